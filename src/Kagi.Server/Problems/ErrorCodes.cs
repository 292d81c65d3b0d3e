namespace Kagi.Server.Problems;

/// <summary>
/// Stable error codes carried in every ProblemDetails body as "code". Clients branch on these, never on text.
/// </summary>
#pragma warning disable CS1591 // each code is documented in docs/server.md (Errors)
public static class ErrorCodes
{
    public const string MalformedRequest = "malformed-request";
    public const string ValidationFailed = "validation-failed";
    public const string BodyTooLarge = "body-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string RateLimited = "rate-limited";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not-found";
    public const string Conflict = "conflict";
    public const string InternalError = "internal-error";

    public const string UnknownToken = "unknown-token";
    public const string TokenNotDistributed = "token-not-distributed";
    public const string TokenAuthenticationFailed = "token-authentication-failed";
    public const string NonceInvalid = "nonce-invalid";
    public const string TicketInvalid = "ticket-invalid";
    public const string NoAssignment = "no-assignment";
    public const string CertificateAlreadyStored = "certificate-already-stored";
    public const string StoragePinWrong = "storage-pin-wrong";
    public const string StoragePinLocked = "storage-pin-locked";
    public const string StoragePinExpired = "storage-pin-expired";
    public const string StoragePinNotVerified = "storage-pin-not-verified";
    public const string StoragePinUsed = "storage-pin-used";
    public const string StoragePinNotIssued = "storage-pin-not-issued";
    public const string CsrMalformed = "csr-malformed";
    public const string CsrBadSignature = "csr-bad-signature";
    public const string CsrKeyRejected = "csr-key-rejected";
    public const string PublicKeyReused = "public-key-reused";
    public const string OrderAlreadyIssued = "order-already-issued";
    public const string NoCertificateToRestore = "no-certificate-to-restore";
    public const string CertificateRevoked = "certificate-revoked";
    public const string PublicKeyMismatch = "public-key-mismatch";
    public const string InvalidStateTransition = "invalid-state-transition";
    public const string ImportFailed = "import-failed";
    public const string CaRootNotValid = "ca-root-not-valid";

    public const string ClientCertificateRequired = "client-certificate-required";
    public const string ClientCertificateUntrusted = "client-certificate-untrusted";
    public const string ClientCertificateUnknown = "client-certificate-unknown";
    public const string ClientCertificateRevoked = "client-certificate-revoked";
}
#pragma warning restore CS1591
