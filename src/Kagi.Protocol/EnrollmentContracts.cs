namespace Kagi.Protocol;

// The enrollment API (/api/v1/enrollment), one record per request and response. JSON is camelCase; binary
// values are base64. Documented in docs/server-api.md.

/// <summary>Asks for a single-use nonce for token authentication.</summary>
/// <param name="Serial">The token serial.</param>
public sealed record NonceRequest(string Serial);

/// <summary>A single-use nonce, valid until <paramref name="ExpiresAt"/>.</summary>
/// <param name="Nonce">The nonce (base64url).</param>
/// <param name="ExpiresAt">Expiry.</param>
public sealed record NonceResponse(string Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// Proves the token: <paramref name="Signature"/> is the distribution key's signature over the token
/// authentication digest (see <c>TokenAuthentication.Digest</c>).
/// </summary>
/// <param name="Serial">Token serial.</param>
/// <param name="Manufacturer">Token manufacturer as the token reports it.</param>
/// <param name="Model">Token model.</param>
/// <param name="Nonce">The nonce from <see cref="NonceResponse"/>.</param>
/// <param name="Signature">Base64 signature: ECDSA as r‖s (IEEE P1363), RSA PKCS#1 v1.5 with SHA-256.</param>
public sealed record TokenAuthenticationRequest(string Serial, string Manufacturer, string Model, string Nonce, string Signature);

/// <summary>An enrollment ticket to send as "Authorization: Bearer" on the next steps.</summary>
/// <param name="Ticket">The ticket.</param>
/// <param name="ExpiresAt">Expiry.</param>
public sealed record TicketResponse(string Ticket, DateTimeOffset ExpiresAt);

/// <summary>The user the token is assigned to.</summary>
/// <param name="RomanizedName">Name in Latin letters.</param>
/// <param name="Serial">Token serial.</param>
/// <param name="CertificateId">The certificate ID the certificate will carry.</param>
/// <param name="OperatorContact">Whom the user contacts when the name is wrong or something fails (server setting).</param>
/// <param name="Generation">
/// How often the CA operator reopened the order for a new certificate (0 for the first; servers before this field
/// send none, read as 0). The key pair's CKA_ID is derived from <paramref name="CertificateId"/> and this number, so a
/// reopened order gets a new key pair and a rerun of the same generation finds the one it generated.
/// </param>
public sealed record AssignedUserResponse(string RomanizedName, string Serial, string CertificateId, string? OperatorContact = null, int Generation = 0);

/// <summary>The storage PIN the user received by e-mail.</summary>
/// <param name="StoragePin">The PIN.</param>
public sealed record StoragePinRequest(string StoragePin);

/// <summary>Storage PIN accepted: an upgraded ticket, and the transport user PIN set on the token at distribution.</summary>
/// <param name="Ticket">The new ticket (PIN verified).</param>
/// <param name="ExpiresAt">Its expiry.</param>
/// <param name="TransportPin">The token's current user PIN, which the client replaces with the user's own.</param>
public sealed record StoragePinResponse(string Ticket, DateTimeOffset ExpiresAt, string TransportPin);

/// <summary>A PKCS#10 request for the key generated on the token.</summary>
/// <param name="Csr">Base64 DER.</param>
public sealed record CertificateSigningRequest(string Csr);

/// <summary>The issued certificate and its chain (issuing CA first, root last).</summary>
/// <param name="Certificate">Base64 DER.</param>
/// <param name="Chain">Base64 DER CA certificates.</param>
/// <param name="SerialNumber">Upper-case hex.</param>
/// <param name="Subject">Subject DN.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
public sealed record IssuedCertificateResponse(string Certificate, IReadOnlyList<string> Chain, string SerialNumber, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

/// <summary>
/// Asks for the certificate already stored for the order again, to write it back to a token that lost it. The server
/// answers with an <see cref="IssuedCertificateResponse"/> only when that certificate is not revoked and certifies
/// <paramref name="PublicKey"/>; it never issues a new one.
/// </summary>
/// <param name="PublicKey">The order's key pair's public key as read from the token: base64 DER SubjectPublicKeyInfo.</param>
public sealed record CertificateRestoreRequest(string PublicKey);

/// <summary>The client reports that the certificate is on the token.</summary>
/// <param name="SerialNumber">The certificate serial number (hex).</param>
public sealed record StoredRequest(string SerialNumber);

/// <summary>The assignment's state after the report.</summary>
/// <param name="State">"active".</param>
public sealed record StoredResponse(string State);

/// <summary>
/// A <see cref="StoragePinResponse"/> as the client keeps it: the transport PIN in a pinned buffer zeroed on dispose
/// (<see cref="KagiApiClient.VerifyStoragePinAsync(Kagi.Pkcs11.PinBuffer, CancellationToken)"/>,
/// <see cref="KagiApiClient.ResumeEnrollmentWithTransportPinAsync"/>). Disposing it disposes the PIN.
/// </summary>
/// <param name="ticket">The new ticket (PIN verified).</param>
/// <param name="expiresAt">Its expiry.</param>
/// <param name="transportPin">The token's current user PIN; owned by this object.</param>
public sealed class PinVerifiedTicket(string ticket, DateTimeOffset expiresAt, Kagi.Pkcs11.PinBuffer transportPin) : IDisposable
{
    /// <summary>The new ticket (PIN verified).</summary>
    public string Ticket { get; } = ticket;

    /// <summary>Its expiry.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>The token's current user PIN (the transport PIN), zeroed when this object is disposed.</summary>
    public Kagi.Pkcs11.PinBuffer TransportPin { get; } = transportPin;

    /// <summary>Zeroes the transport PIN.</summary>
    public void Dispose() => TransportPin.Dispose();
}
