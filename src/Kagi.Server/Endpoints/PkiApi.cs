using Kagi.Registry.Authorities;
using Kagi.Server.Ca;

namespace Kagi.Server.Endpoints;

/// <summary>
/// Public PKI material: the root certificate, each issuing CA's certificate (AIA) and CRL (CRL distribution point).
/// Every issuing CA of the set has its /pki/{issuerId}.cer; its /pki/{issuerId}.crl is served while it publishes one
/// (the active CA, and a retired CA until its last certificate has expired).
/// </summary>
public static class PkiApi
{
    /// <summary>Maps /pki/root.cer, /pki/root.pem, /pki/{issuer}.cer and /pki/{issuer}.crl.</summary>
    public static IEndpointRouteBuilder MapPkiApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder pki = app.MapGroup("/pki").WithTags("PKI");
        pki.MapGet("/root.cer", (CaService ca) => TypedResults.File(ca.Root.RawData, "application/pkix-cert", "root.cer"));
        pki.MapGet("/root.pem", (CaService ca) => TypedResults.Text(ca.Root.ExportCertificatePem() + "\n", "application/x-pem-file"));
        pki.MapGet("/{file}", async Task<IResult> (string file, CaService ca, CrlPublisher crls, IssuingAuthorityStore authorities, CancellationToken ct) =>
        {
            string issuerId = Path.GetFileNameWithoutExtension(file);
            if (issuerId.Length is 0 or > 128 || !issuerId.All(char.IsAsciiHexDigitUpper))
            {
                return TypedResults.NotFound();
            }

            if (file.EndsWith(".cer", StringComparison.Ordinal))
            {
                await ca.RefreshAsync(authorities, ct);
                return ca.Find(issuerId) is { } authority
                    ? TypedResults.File(authority.Certificate.RawData, "application/pkix-cert", file)
                    : TypedResults.NotFound();
            }

            if (file.EndsWith(".crl", StringComparison.Ordinal) && await crls.CurrentAsync(issuerId, ct) is { } crl)
            {
                return TypedResults.File(crl, "application/pkix-crl", file);
            }

            return TypedResults.NotFound();
        });
        return app;
    }
}
