namespace Kagi.Enrollment;

/// <summary>Outcome of STEP 3.</summary>
/// <param name="Accepted">True when the storage PIN was right.</param>
/// <param name="AttemptsLeft">When wrong: attempts left before it locks.</param>
public sealed record StoragePinCheck(bool Accepted, int? AttemptsLeft);

/// <summary>The certificate now on the token.</summary>
/// <param name="SerialNumber">Hex serial number.</param>
/// <param name="Subject">Subject DN.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="TokenSerial">The token.</param>
public sealed record StoredCertificate(string SerialNumber, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string TokenSerial);
