using System.Security.Cryptography.X509Certificates;
using Kagi.Protocol;
using Kagi.Server.ClientAuth;
using Kagi.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Endpoints;

/// <summary>
/// The relying-party endpoint of the TLS client-authentication listener: <c>GET /whoami</c> answers with the
/// subject of the client certificate the handshake authenticated. Nothing else answers on that port, and
/// <c>/whoami</c> answers nowhere else.
/// </summary>
public static class ClientAuthApi
{
    /// <summary>Restricts the listener on <paramref name="port"/> to <c>/whoami</c> and maps it.</summary>
    public static WebApplication MapClientAuthApi(this WebApplication app, int port)
    {
        app.Use(async (http, next) =>
        {
            if (http.Connection.LocalPort == port && !http.Request.Path.Equals("/whoami", StringComparison.Ordinal))
            {
                await ApiProblem.NotFound(ErrorCodes.NotFound, "Only /whoami answers on the client-authentication listener.").ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            await next(http).ConfigureAwait(false);
        });
        app.MapGet("/whoami", (HttpContext http, ClientCertificateValidator validator, ClientCertificateRegistry registry, CancellationToken ct) =>
            WhoAmI(http, port, validator, registry, ct)).WithTags("Client authentication").ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// 200 with the authenticated subject; 404 off the client-authentication port; 401 without a certificate;
    /// 403 <c>client-certificate-untrusted</c>, <c>client-certificate-unknown</c> or <c>client-certificate-revoked</c>.
    /// </summary>
    internal static async Task<Results<Ok<WhoAmIResponse>, ProblemHttpResult>> WhoAmI(
        HttpContext http, int port, ClientCertificateValidator validator, ClientCertificateRegistry registry, CancellationToken ct)
    {
        if (http.Connection.LocalPort != port)
        {
            return ApiProblem.NotFound(ErrorCodes.NotFound, "There is nothing at this address.");
        }

        // The handshake already required and validated the certificate; it is checked again so this handler never
        // depends on how the listener was configured.
        X509Certificate2? certificate = http.Connection.ClientCertificate;
        if (certificate is null)
        {
            return ApiProblem.Unauthorized(ErrorCodes.ClientCertificateRequired, "Present a client certificate issued by this CA.");
        }

        if (validator.Check(certificate) != ClientCertificateCheck.Trusted)
        {
            return ApiProblem.Forbidden(ErrorCodes.ClientCertificateUntrusted, "The client certificate is not a client-authentication certificate of this CA.");
        }

        ClientCertificateStatus status = await registry.StatusAsync(certificate, ct).ConfigureAwait(false);
        if (!status.Known)
        {
            return ApiProblem.Forbidden(ErrorCodes.ClientCertificateUnknown, "This CA has no record of issuing the client certificate.");
        }

        if (status.RevokedAt is { } revokedAt)
        {
            return ApiProblem.Forbidden(ErrorCodes.ClientCertificateRevoked, "The client certificate has been revoked.",
                new Dictionary<string, object?> { ["serialNumber"] = certificate.SerialNumber, ["revokedAt"] = revokedAt });
        }

        return TypedResults.Ok(new WhoAmIResponse(
            certificate.Subject,
            certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
            Attribute(certificate.SubjectName, "2.5.4.5"),
            certificate.SerialNumber,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero)));
    }

    private static string? Attribute(X500DistinguishedName name, string oid) =>
        name.EnumerateRelativeDistinguishedNames().FirstOrDefault(r => !r.HasMultipleElements && r.GetSingleElementType().Value == oid)?.GetSingleElementValue();
}
