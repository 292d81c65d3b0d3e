namespace Kagi.Ca.Profiles;

/// <summary>
/// The registration data a user's subject is made of. The subject of an issued certificate always comes from here,
/// never from the certificate signing request.
/// </summary>
/// <param name="RomanizedName">The user's name in Latin letters (subject CN), e.g. "YAMADA Taro": 1–64 characters of
/// the PrintableString set (letters, digits, space and <c>' ( ) + , - . / : = ?</c>), no leading or trailing space.</param>
/// <param name="CertificateId">The certificate ID without prefix (subject serialNumber is prefix + ID), e.g. "000123":
/// ASCII letters, digits and '-'; prefix and ID together at most 64 characters.</param>
public sealed record SubjectData(string RomanizedName, string CertificateId);
