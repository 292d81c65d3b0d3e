namespace Kagi.Ca.Requests;

/// <summary>Which public keys the CA certifies. The default allows EC P-256 and P-384 and RSA 2048, 3072 and 4096.</summary>
public sealed record KeyPolicy
{
    /// <summary>The default policy.</summary>
    public static KeyPolicy Default { get; } = new();

    /// <summary>Allow EC keys on NIST P-256 (default true).</summary>
    public bool AllowEcP256 { get; init; } = true;

    /// <summary>Allow EC keys on NIST P-384 (default true).</summary>
    public bool AllowEcP384 { get; init; } = true;

    /// <summary>The shortest RSA modulus in bits (default 2048); shorter keys fail with <see cref="CsrError.KeyTooSmall"/>.</summary>
    public int MinimumRsaKeySize { get; init; } = 2048;

    /// <summary>The RSA sizes allowed (default 2048, 3072, 4096); others fail with <see cref="CsrError.KeySizeNotAllowed"/>.
    /// Empty to refuse RSA keys altogether.</summary>
    public IReadOnlyList<int> AllowedRsaKeySizes { get; init; } = [2048, 3072, 4096];
}
