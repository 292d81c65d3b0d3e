using System.Security.Cryptography;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;

namespace Kagi.Server.Ca;

/// <summary>
/// Where the server's CA keys live: encrypted PKCS#8 files in the CA folder (<see cref="FileCaKeyStore"/>) or key
/// pairs on the CA token (<see cref="TokenCaKeyStore"/>). An issuing CA's key is named by a reference stored with the
/// CA in the database (<see cref="Kagi.Registry.Entities.IssuingAuthority.KeyReference"/>), so every instance that
/// shares the CA folder (or the token) can open it.
/// </summary>
public interface ICaKeyStore
{
    /// <summary>The reference of the issuing CA key created on first start.</summary>
    string InitialIssuingReference { get; }

    /// <summary>Opens the root CA key (to sign a new issuing CA). The caller disposes it.</summary>
    /// <exception cref="Kagi.Ca.CaException">The key cannot be opened (e.g. wrong password, not on the token).</exception>
    ICaKey OpenRoot();

    /// <summary>Generates a new issuing CA key.</summary>
    /// <param name="type">The key type.</param>
    /// <param name="reference">Receives the key's reference (not usable with <see cref="Open"/> until <see cref="Persist"/>).</param>
    /// <returns>The key; the caller owns it.</returns>
    ICaKey Generate(CaKeyType type, out string reference);

    /// <summary>Makes the key of <paramref name="authority"/> openable by <paramref name="reference"/> (writes the file; a token key is stored already).</summary>
    void Persist(CertificateAuthority authority, string reference);

    /// <summary>Removes a key that was generated but never recorded (best effort).</summary>
    void Discard(string reference);

    /// <summary>Opens the key with <paramref name="reference"/>. The caller owns it.</summary>
    /// <exception cref="Kagi.Ca.CaException">It cannot be opened.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    ICaKey Open(string reference);
}

/// <summary>CA keys as PKCS#8 PEM files in the CA folder, encrypted under the CA key password (owner-only permissions).</summary>
/// <param name="directory">The CA folder.</param>
/// <param name="password">The key password.</param>
public sealed class FileCaKeyStore(string directory, string password) : ICaKeyStore
{
    /// <inheritdoc />
    public string InitialIssuingReference => CaBootstrap.IssuingKeyFile;

    /// <inheritdoc />
    public ICaKey OpenRoot() => Open(CaBootstrap.RootKeyFile);

    /// <inheritdoc />
    public ICaKey Generate(CaKeyType type, out string reference)
    {
        reference = $"issuing-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.key.pem";
        return SoftwareCaKey.Create(type);
    }

    /// <inheritdoc />
    public void Persist(CertificateAuthority authority, string reference) =>
        CaBootstrap.WriteSecret(PathOf(reference), authority.ExportKeyPem(password));

    /// <inheritdoc />
    public void Discard(string reference) => File.Delete(PathOf(reference));

    /// <inheritdoc />
    public ICaKey Open(string reference) => SoftwareCaKey.ImportEncryptedPem(File.ReadAllText(PathOf(reference)), password);

    private string PathOf(string reference)
    {
        // References are names this store made: never a path.
        if (reference.Length == 0 || Path.GetFileName(reference) != reference || !reference.EndsWith(".key.pem", StringComparison.Ordinal))
        {
            throw new ArgumentException("Not a CA key file name.", nameof(reference));
        }

        return Path.Combine(directory, reference);
    }
}

/// <summary>
/// CA keys on the CA token (Kagi:Ca:Pkcs11Module), found by CKA_ID. A new issuing key is generated on the token with
/// the CKA_ID "kagi-issuing-ca-" and eight random hex digits; its reference is "token:" and that CKA_ID in hex.
/// A key generated for a rollover that then fails to be recorded stays on the token (labelled, unused).
/// </summary>
/// <param name="session">The logged-in CA token session.</param>
public sealed class TokenCaKeyStore(TokenCaSession session) : ICaKeyStore
{
    private const string Prefix = "token:";

    /// <inheritdoc />
    public string InitialIssuingReference => Prefix + Convert.ToHexString(CaBootstrap.IssuingKeyId);

    /// <inheritdoc />
    public ICaKey OpenRoot() => TokenCaKey.Open(session.Session.Session, CaBootstrap.RootKeyId);

    /// <inheritdoc />
    public ICaKey Generate(CaKeyType type, out string reference)
    {
        byte[] id = System.Text.Encoding.ASCII.GetBytes("kagi-issuing-ca-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        reference = Prefix + Convert.ToHexString(id);
        return TokenCaKey.Generate(session.Session.Session, type, "Kagi issuing CA", id);
    }

    /// <inheritdoc />
    public void Persist(CertificateAuthority authority, string reference)
    {
        // Generated on the token: nothing to write.
    }

    /// <inheritdoc />
    public void Discard(string reference)
    {
        // Left on the token (see the class remarks).
    }

    /// <inheritdoc />
    public ICaKey Open(string reference)
    {
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException("Not a token key reference.", nameof(reference));
        }

        return TokenCaKey.Open(session.Session.Session, Convert.FromHexString(reference.AsSpan(Prefix.Length)));
    }
}
