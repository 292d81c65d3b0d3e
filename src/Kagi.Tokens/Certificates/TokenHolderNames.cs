using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Certificates;

/// <summary>
/// The names of the token's holder as the token itself tells them without a login, for the PIN strength rule that
/// refuses a PIN containing the holder's name (<see cref="Pins.PinStrengthOptions.Names"/>): the subject CN and the
/// label of every user (non-CA) certificate, and the label of every public key (certificate storage labels the key
/// pair with the user's romanized name, which stays when the certificate is lost), except the distribution key's.
/// Certificates and public keys are public objects, so nothing secret is needed or read.
/// </summary>
public static class TokenHolderNames
{
    /// <summary>Reads the names from <paramref name="token"/> in a session of its own.</summary>
    /// <returns>The distinct non-empty names, in the order found; empty when the token holds no user certificate or key.</returns>
    /// <exception cref="KagiException"><see cref="KagiError.TokenRemoved"/> when the token no longer answers.</exception>
    /// <exception cref="Pkcs11Exception">The module failed unexpectedly.</exception>
    public static IReadOnlyList<string> Read(AttachedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        using TokenSession session = TokenSession.Open(token);
        var names = new List<string>();
        foreach (TokenCertificate certificate in CertificateReader.Read(session).Where(c => !c.IsCa))
        {
            Add(names, certificate.Label);
            try
            {
                using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(certificate.Der);
                Add(names, parsed.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
            }
            catch (CryptographicException)
            {
                // CertificateReader parsed it already; nothing to add if it cannot be parsed again.
            }
        }

        Session s = session.Session;
        foreach (ulong key in s.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY)))
        {
            IReadOnlyList<AttributeValue> a = s.GetAttributes(key, CKA.CKA_LABEL, CKA.CKA_ID);
            bool distribution = a[1].IsAvailable && a[1].AsBytes().AsSpan().SequenceEqual(DistributionKey.Id);
            if (a[0].IsAvailable && !distribution && a[0].AsString() != DistributionKey.Label)
            {
                Add(names, a[0].AsString());
            }
        }

        return names;
    }

    private static void Add(List<string> names, string? name)
    {
        string trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length > 0 && !names.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(trimmed);
        }
    }
}
