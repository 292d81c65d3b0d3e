namespace Kagi.Registry.Entities;

/// <summary>
/// An issuing CA of the server, shared by every instance on the database: the one with the highest
/// <see cref="Generation"/> signs new certificates; older ones (retired) only sign CRLs for what they issued.
/// </summary>
public sealed class IssuingAuthority
{
    /// <summary>The CA's identifier: its subject key identifier in upper-case hex (as <see cref="IssuedCertificate.IssuerCaId"/>); the key.</summary>
    public required string IssuerId { get; set; }

    /// <summary>1 for the CA created on first start, then one more per rollover; unique.</summary>
    public int Generation { get; set; }

    /// <summary>The CA certificate (DER).</summary>
    public required byte[] Certificate { get; set; }

    /// <summary>Where the private key is: a file name in the CA folder, or "token:" and the hex CKA_ID on the CA token.</summary>
    public required string KeyReference { get; set; }

    /// <summary>End of the CA certificate's validity (UTC).</summary>
    public DateTimeOffset NotAfter { get; set; }

    /// <summary>When it was recorded (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a newer CA replaced it for new certificates (UTC); null while it is the active one.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
