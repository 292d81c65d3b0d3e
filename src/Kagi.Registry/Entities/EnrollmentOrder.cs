namespace Kagi.Registry.Entities;

/// <summary>One certificate to be issued for an assignment, identified to the user by its certificate ID.</summary>
public sealed class EnrollmentOrder
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>The assignment this order belongs to.</summary>
    public long AssignmentId { get; set; }

    /// <summary>The CA's certificate ID (placed in the subject serialNumber), e.g. "FC3A9D0B51C2E47F80"; unique.</summary>
    public required string CertificateId { get; set; }

    /// <summary>Where the order is.</summary>
    public OrderState State { get; set; }

    /// <summary>SHA-256 (lowercase hex) of the CSR that was certified.</summary>
    public string? CsrFingerprint { get; set; }

    /// <summary>Serial (uppercase hex) of the certificate issued for this order, the latest one if reissued.</summary>
    public string? CertificateSerial { get; set; }

    /// <summary>When the order was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the latest certificate was issued (UTC).</summary>
    public DateTimeOffset? IssuedAt { get; set; }

    /// <summary>When the certificate was reported stored (UTC).</summary>
    public DateTimeOffset? StoredAt { get; set; }
}
