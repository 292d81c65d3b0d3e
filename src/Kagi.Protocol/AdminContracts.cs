namespace Kagi.Protocol;

// The operator API (/api/v1/admin), authenticated with an API key ("Authorization: ApiKey <key>").

/// <summary>A user as registered by the CA operator.</summary>
/// <param name="EmployeeId">Unique id within the organization.</param>
/// <param name="RomanizedName">Name in Latin letters (used in the certificate CN).</param>
/// <param name="KanjiName">Name in kanji, if any.</param>
/// <param name="Email">Where storage PINs are sent.</param>
/// <param name="Organization">Organization, if any.</param>
public sealed record UserDto(string EmployeeId, string RomanizedName, string? KanjiName, string Email, string? Organization);

/// <summary>A token in the inventory.</summary>
/// <param name="Serial">Serial number.</param>
/// <param name="Manufacturer">Manufacturer.</param>
/// <param name="Model">Model.</param>
/// <param name="State">inStock, assigned, active, suspended, lost, damaged, terminated.</param>
/// <param name="Distributed">True once a distribution key is registered.</param>
public sealed record TokenDto(string Serial, string Manufacturer, string Model, string State, bool Distributed);

/// <summary>A per-row import error.</summary>
/// <param name="Row">1-based data row (the header is row 0).</param>
/// <param name="Column">Column name, if the error is about one column.</param>
/// <param name="Code">Stable error code.</param>
public sealed record ImportErrorDto(int Row, string? Column, string Code);

/// <summary>Outcome of a CSV import: either everything was imported, or nothing and the errors say why.</summary>
/// <param name="Imported">Rows imported (0 when there are errors).</param>
/// <param name="Errors">Errors per row.</param>
public sealed record ImportResultDto(int Imported, IReadOnlyList<ImportErrorDto> Errors);

/// <summary>Assign a token to a user.</summary>
/// <param name="EmployeeId">The user.</param>
public sealed record AssignRequest(string EmployeeId);

/// <summary>An assignment and its enrollment order.</summary>
/// <param name="AssignmentId">Id.</param>
/// <param name="Serial">Token serial.</param>
/// <param name="EmployeeId">User.</param>
/// <param name="State">Assignment state.</param>
/// <param name="CertificateId">Certificate ID of the order.</param>
/// <param name="OrderState">Order state.</param>
/// <param name="CertificateSerial">Issued certificate serial, if any.</param>
public sealed record AssignmentDto(long AssignmentId, string Serial, string EmployeeId, string State, string CertificateId, string OrderState, string? CertificateSerial);

/// <summary>
/// Registers a distributed token: the public key of the distribution key generated on it, and the SO and
/// transport PINs set at distribution (stored encrypted, for unlocks and for enrollment).
/// </summary>
/// <param name="Manufacturer">Token manufacturer.</param>
/// <param name="Model">Token model.</param>
/// <param name="DistributionPublicKey">Base64 SubjectPublicKeyInfo.</param>
/// <param name="SoPin">The random SO PIN set at distribution.</param>
/// <param name="TransportPin">The random user PIN set at distribution.</param>
public sealed record DistributionRequest(string Manufacturer, string Model, string DistributionPublicKey, string SoPin, string TransportPin);

/// <summary>A storage PIN was issued and mailed.</summary>
/// <param name="AssignmentId">Assignment.</param>
/// <param name="MailedTo">Recipient.</param>
/// <param name="ExpiresAt">Expiry.</param>
public sealed record StoragePinIssuedDto(long AssignmentId, string MailedTo, DateTimeOffset ExpiresAt);

/// <summary>Change a token's state.</summary>
/// <param name="State">Target state.</param>
public sealed record TokenStateRequest(string State);

/// <summary>Revoke a certificate.</summary>
/// <param name="Reason">RFC 5280 reason name: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold.</param>
public sealed record RevokeRequest(string Reason);

/// <summary>Result of the audit chain verification.</summary>
/// <param name="Ok">True when the chain is intact.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="FirstBrokenSequence">The first entry that was edited, removed or reordered.</param>
public sealed record AuditVerificationDto(bool Ok, long Entries, long? FirstBrokenSequence);

/// <summary>An issuing CA of the server.</summary>
/// <param name="IssuerId">Its identifier (subject key identifier in hex), as in /pki/{issuerId}.cer and .crl.</param>
/// <param name="Generation">1 for the CA created on first start, one more per rollover.</param>
/// <param name="Subject">Its name.</param>
/// <param name="NotBefore">Start of its validity.</param>
/// <param name="NotAfter">End of its validity.</param>
/// <param name="Status">"active" (signs new certificates and its CRL), "retired" (signs only its CRL, until its last
/// certificate has expired) or "ended" (retired, and every certificate it issued has expired: no CRL any more).</param>
/// <param name="RetiredAt">When a newer CA replaced it.</param>
/// <param name="LastCertificateNotAfter">The latest notAfter of the certificates it issued.</param>
/// <param name="Certificate">Its certificate, base64 DER.</param>
public sealed record CaDto(
    string IssuerId, int Generation, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Status,
    DateTimeOffset? RetiredAt, DateTimeOffset? LastCertificateNotAfter, string Certificate);

/// <summary>Create a new issuing CA under the root (CA rollover). Every member is optional.</summary>
/// <param name="KeyType">ecP256, ecP384, rsa3072 or rsa4096; default Kagi:Ca:KeyType.</param>
/// <param name="ValidityYears">1-30; default Kagi:Ca:IssuingValidityYears (cut at the root's end).</param>
/// <param name="Subject">Distinguished name such as "CN=Example Issuing CA G2, O=Example, C=JP"; default Kagi:Ca:IssuingName.</param>
public sealed record CaRolloverRequest(string? KeyType = null, int? ValidityYears = null, string? Subject = null);

/// <summary>A CRL published on request.</summary>
/// <param name="IssuerId">The CA that signed it.</param>
/// <param name="Number">Its CRL number.</param>
/// <param name="ThisUpdate">Its thisUpdate.</param>
/// <param name="NextUpdate">Its nextUpdate.</param>
public sealed record CrlPublicationDto(string IssuerId, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);
