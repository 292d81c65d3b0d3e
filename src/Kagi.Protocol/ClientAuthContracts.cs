namespace Kagi.Protocol;

/// <summary>
/// The answer of <c>GET /whoami</c> on the TLS client-authentication listener: who the presented certificate
/// authenticates.
/// </summary>
/// <param name="Subject">The certificate's subject distinguished name.</param>
/// <param name="CommonName">The subject CN (the user's romanized name).</param>
/// <param name="CertificateId">The certificate ID (subject serialNumber attribute), if present.</param>
/// <param name="SerialNumber">The certificate serial number in upper-case hex.</param>
/// <param name="Issuer">The issuing CA's distinguished name.</param>
/// <param name="NotAfter">End of validity.</param>
public sealed record WhoAmIResponse(string Subject, string CommonName, string? CertificateId, string SerialNumber, string Issuer, DateTimeOffset NotAfter);
