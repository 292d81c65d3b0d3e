using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Protocol;
using Kagi.Registry.Authorities;
using Kagi.Registry.Entities;
using Kagi.Registry.Inventory;
using Kagi.Server.Admin;
using Kagi.Server.Ca;
using Kagi.Server.Options;
using Kagi.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Endpoints;

/// <summary>
/// Operator endpoints of the CA (mapped by <see cref="AdminApi"/> behind the API key): list the issuing CAs, roll
/// over to a new issuing CA, publish the CRLs now.
/// </summary>
public static class CaAdminApi
{
    /// <summary>Maps GET ca, POST ca/rollover and POST crl/publication on the operator group.</summary>
    internal static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/ca", ListCas);
        api.MapPost("/ca/rollover", Rollover);
        api.MapPost("/crl/publication", PublishCrls);
    }

    /// <summary>Lists the issuing CAs, active first, with their status.</summary>
    public static async Task<Ok<CaDto[]>> ListCas(CaService ca, IssuingAuthorityStore store, TimeProvider time, CancellationToken ct)
    {
        await ca.RefreshAsync(store, ct);
        IReadOnlyList<IssuingAuthority> records = await store.ListAsync(ct);
        var list = new List<CaDto>();
        foreach (IssuingAuthority record in records)
        {
            list.Add(await DtoAsync(record, records[0].Generation, store, time, ct));
        }

        return TypedResults.Ok(list.ToArray());
    }

    /// <summary>Creates a new issuing CA under the root and makes it the one that signs new certificates.</summary>
    public static async Task<Results<Created<CaDto>, ProblemHttpResult>> Rollover(
        CaRolloverRequest request, HttpContext http, CaService ca, IssuingAuthorityStore store, KagiServerOptions options, TimeProvider time, CancellationToken ct)
    {
        CaKeyType keyType = default;
        if (request is null || (request.KeyType is null ? !Enum.TryParse(options.Ca.KeyType, ignoreCase: true, out keyType) : !TryKeyType(request.KeyType, out keyType)))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "keyType must be one of ecP256, ecP384, rsa3072, rsa4096.");
        }

        int years = request.ValidityYears ?? options.Ca.IssuingValidityYears;
        if (years is < 1 or > 30)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "validityYears must be 1 to 30.");
        }

        if (!TryName(request.Subject ?? options.Ca.IssuingName, out X500DistinguishedName? subject))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed,
                "subject must be a distinguished name with a CN, such as \"CN=Example Issuing CA G2, O=Example, C=JP\" (at most 200 characters, no quotes, ';', '<', '>').");
        }

        RolloverResult result = await ca.RolloverAsync(store, new RolloverSpec(keyType, subject!, TimeSpan.FromDays(365.25 * years)), ApiKeyAuthentication.Actor(http), time.GetUtcNow(), ct);
        if (result.Code == RolloverCode.RootNotValid)
        {
            return ApiProblem.Conflict(ErrorCodes.CaRootNotValid, "The root CA is not valid now; a new root is needed before a new issuing CA.");
        }

        if (result.Code == RolloverCode.Conflict)
        {
            return ApiProblem.Conflict(ErrorCodes.Conflict, "Another rollover finished at the same time; list the CAs and try again if still needed.");
        }

        IReadOnlyList<IssuingAuthority> records = await store.ListAsync(ct);
        IssuingAuthority added = records.Single(r => r.IssuerId == result.IssuerId);
        return TypedResults.Created($"/pki/{added.IssuerId}.cer", await DtoAsync(added, records[0].Generation, store, time, ct));
    }

    /// <summary>Publishes a new CRL of every CA that publishes one, now (audited).</summary>
    public static async Task<Ok<CrlPublicationDto[]>> PublishCrls(HttpContext http, CrlPublisher crls, CancellationToken ct)
    {
        IReadOnlyList<PublishedCrl> published = await crls.PublishAllAsync(ApiKeyAuthentication.Actor(http), ct);
        return TypedResults.Ok(published.Select(p => new CrlPublicationDto(p.IssuerId, p.Number, p.ThisUpdate, p.NextUpdate)).ToArray());
    }

    private static async Task<CaDto> DtoAsync(IssuingAuthority record, int activeGeneration, IssuingAuthorityStore store, TimeProvider time, CancellationToken ct)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(record.Certificate);
        DateTimeOffset? last = await store.LastIssuedNotAfterAsync(record.IssuerId, ct);
        string status = record.Generation == activeGeneration ? "active" : AuthoritySet.CanRemove(last, time.GetUtcNow()) ? "ended" : "retired";
        return new CaDto(
            record.IssuerId, record.Generation, certificate.Subject, new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero), record.NotAfter,
            status, record.RetiredAt, last, Convert.ToBase64String(record.Certificate));
    }

    // A key type by name ("ecP384"), never by number.
    private static bool TryKeyType(string value, out CaKeyType type)
    {
        type = default;
        return value is { Length: > 0 and <= 16 } && char.IsAsciiLetter(value[0]) && value.All(char.IsAsciiLetterOrDigit)
            && Enum.TryParse(value, ignoreCase: true, out type) && Enum.IsDefined(type);
    }

    private static bool TryName(string value, out X500DistinguishedName? name)
    {
        name = null;
        if (!InputRules.IsPlainText(value) || value.Contains('\'', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            name = new X500DistinguishedName(value);
        }
        catch (CryptographicException)
        {
            return false;
        }

        return name.EnumerateRelativeDistinguishedNames().Any(r => r.GetSingleElementType().Value == "2.5.4.3" && !string.IsNullOrWhiteSpace(r.GetSingleElementValue()));
    }
}
