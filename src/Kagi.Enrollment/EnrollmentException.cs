namespace Kagi.Enrollment;

/// <summary>Why certificate storage stopped. Front ends show a localized message for each code.</summary>
public enum EnrollmentFailure
{
    /// <summary>The server does not know the token.</summary>
    UnknownToken,

    /// <summary>The CA has not distributed the token (no distribution key registered).</summary>
    TokenNotDistributed,

    /// <summary>The token could not prove it is the distributed token (no or wrong distribution key).</summary>
    TokenAuthenticationFailed,

    /// <summary>The token is not assigned to a user.</summary>
    NoAssignment,

    /// <summary>
    /// A certificate is already stored on this token (as the server knows it; when the token lost it,
    /// <see cref="CertificateStorageFlow.IsStoredCertificateMissing"/> says so and the certificate can be restored).
    /// </summary>
    AlreadyStored,

    /// <summary>The storage PIN is locked after too many wrong attempts.</summary>
    StoragePinLocked,

    /// <summary>The storage PIN has expired.</summary>
    StoragePinExpired,

    /// <summary>
    /// The storage PIN was used by an earlier run longer ago than the server's resume window; the operator must
    /// issue a new one.
    /// </summary>
    StoragePinUsed,

    /// <summary>The operator reissued the storage PIN after it was verified; run again with the new PIN.</summary>
    StoragePinReissued,

    /// <summary>The token failed (removed, full, or another PKCS#11 error named in the code); a rerun continues.</summary>
    TokenError,

    /// <summary>
    /// Neither the transport PIN nor the given user PIN opens the token (the user PIN was set before, by an interrupted
    /// run or for a reissued order's earlier certificate, and the PIN given is not it). Nothing was done;
    /// <see cref="EnrollmentException.PinState"/> has the token's PIN state.
    /// </summary>
    TokenPinRejected,

    /// <summary>
    /// Restoring a lost certificate: the token refused the user PIN the user set when the certificate was stored
    /// (wrong, or the token is locked). Nothing was written.
    /// </summary>
    UserPinRejected,

    /// <summary>
    /// Restoring a lost certificate: the order's key pair on the token is not the key the stored certificate
    /// certifies. Nothing was written; the CA operator has to reopen the order.
    /// </summary>
    RestoreKeyMismatch,

    /// <summary>Restoring a lost certificate: the certificate stored for the order is revoked. Nothing was written.</summary>
    CertificateRevoked,

    /// <summary>
    /// The server refused to certify the token's key pair for the order because it certified that key before: the
    /// order was reopened for a new certificate but the client could not tell a new key generation from the old one
    /// (a server that does not send <c>generation</c>). Nothing was stored; the CA operator has to look at the order.
    /// </summary>
    PublicKeyReused,

    /// <summary>The server refused for another reason (see the code in the message).</summary>
    ServerRefused,
}

/// <summary>Certificate storage stopped with <see cref="Failure"/>; <see cref="ServerCode"/> has the server's code when it came from the server.</summary>
public sealed class EnrollmentException(EnrollmentFailure failure, string? serverCode = null, Exception? inner = null)
    : Exception($"{failure}{(serverCode is null ? string.Empty : " (" + serverCode + ")")}", inner)
{
    /// <summary>The failure.</summary>
    public EnrollmentFailure Failure { get; } = failure;

    /// <summary>The server's error code, if any.</summary>
    public string? ServerCode { get; } = serverCode;

    /// <summary>
    /// For <see cref="EnrollmentFailure.UserPinRejected"/> and <see cref="EnrollmentFailure.TokenPinRejected"/>: the
    /// user PIN state the token reported after the refused login (wrong PINs entered, final try, locked), so a front
    /// end can say what to do as after any wrong PIN.
    /// </summary>
    public Kagi.Tokens.Tokens.PinState? PinState { get; init; }
}
