using Kagi.Server.Ca;

namespace Kagi.Server.Endpoints;

/// <summary>Public PKI material: the root and issuing CA certificates (AIA) and the CRL (CRL distribution point).</summary>
public static class PkiApi
{
    /// <summary>Maps /pki/root.cer, /pki/{issuer}.cer and /pki/{issuer}.crl.</summary>
    public static IEndpointRouteBuilder MapPkiApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder pki = app.MapGroup("/pki").WithTags("PKI");
        pki.MapGet("/root.cer", (CaService ca) => TypedResults.File(ca.Root.RawData, "application/pkix-cert", "root.cer"));
        pki.MapGet("/root.pem", (CaService ca) => TypedResults.Text(ca.Root.ExportCertificatePem() + "\n", "application/x-pem-file"));
        pki.MapGet("/{file}", async Task<IResult> (string file, CaService ca, CrlPublisher crls, CancellationToken ct) =>
        {
            if (file == ca.IssuerId + ".cer")
            {
                return TypedResults.File(ca.Issuing.Certificate.RawData, "application/pkix-cert", file);
            }

            if (file == ca.IssuerId + ".crl")
            {
                return TypedResults.File(await crls.CurrentAsync(ct), "application/pkix-crl", file);
            }

            return TypedResults.NotFound();
        });
        return app;
    }
}
