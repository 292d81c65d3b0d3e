namespace Kagi.Enrollment;

/// <summary>Outcome of STEP 3.</summary>
/// <param name="Accepted">True when the storage PIN was right.</param>
/// <param name="AttemptsLeft">When wrong: attempts left before it locks.</param>
public sealed record StoragePinCheck(bool Accepted, int? AttemptsLeft);

/// <summary>What STEP 4 asks for (<see cref="CertificateStorageFlow.CheckTokenPin"/>).</summary>
/// <param name="TransportPinAccepted">
/// True when the token still opens with its transport PIN: ask for a new user PIN. False when the user's own PIN is on
/// the token already (an interrupted run set it, or a reissued order's earlier certificate): ask for that PIN.
/// </param>
/// <param name="PinState">The token's user PIN state after the check (locked: only the CA operator can help).</param>
public sealed record TokenPinCheck(bool TransportPinAccepted, Kagi.Tokens.Tokens.PinState PinState);

/// <summary>The certificate now on the token.</summary>
/// <param name="SerialNumber">Hex serial number.</param>
/// <param name="Subject">Subject DN.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="TokenSerial">The token.</param>
public sealed record StoredCertificate(string SerialNumber, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string TokenSerial);
