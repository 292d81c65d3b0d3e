namespace Kagi.Registry.Entities;

/// <summary>A certificate the CA issued. A public key is certified at most once (unique <see cref="SubjectPublicKeySha256"/>).</summary>
public sealed class IssuedCertificate
{
    /// <summary>Serial number as uppercase hex, exactly as <c>X509Certificate2.SerialNumber</c> gives it; the key.</summary>
    public required string Serial { get; set; }

    /// <summary>The enrollment order it was issued for, if any.</summary>
    public long? OrderId { get; set; }

    /// <summary>Identifier of the issuing CA (chosen by the CA layer, e.g. its key identifier in hex).</summary>
    public required string IssuerCaId { get; set; }

    /// <summary>SHA-256 of the certificate's SubjectPublicKeyInfo (DER); unique.</summary>
    public required byte[] SubjectPublicKeySha256 { get; set; }

    /// <summary>The certificate (DER).</summary>
    public required byte[] Der { get; set; }

    /// <summary>Start of validity (UTC).</summary>
    public DateTimeOffset NotBefore { get; set; }

    /// <summary>End of validity (UTC).</summary>
    public DateTimeOffset NotAfter { get; set; }

    /// <summary>When it was revoked (UTC); null if not revoked.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Why it was revoked; null if not revoked.</summary>
    public RevocationReason? RevocationReason { get; set; }
}
