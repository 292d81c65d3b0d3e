namespace Kagi.Registry.Entities;

/// <summary>
/// One entry of the append-only, hash-chained audit log; see <see cref="Kagi.Registry.Audit.AuditChain"/> for how
/// <see cref="Hash"/> is computed.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>1, 2, 3, … without gaps; the key.</summary>
    public long Sequence { get; set; }

    /// <summary>When it was written (UTC, microsecond precision).</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Who acted: an operator name, "token:SERIAL", "system", ….</summary>
    public required string Actor { get; set; }

    /// <summary>Through what: "admin-api", "enrollment-api", "cli", an address, ….</summary>
    public required string Source { get; set; }

    /// <summary>Stable action code, see <see cref="Kagi.Registry.Audit.AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to, e.g. "token:SERIAL", "user:EMPLOYEE-ID".</summary>
    public required string Subject { get; set; }

    /// <summary>Details as compact JSON text (hashed exactly as stored).</summary>
    public required string Details { get; set; }

    /// <summary>Hash of the previous entry (lowercase hex), 64 zeros for the first.</summary>
    public required string PreviousHash { get; set; }

    /// <summary>SHA-256 over <see cref="PreviousHash"/> and this entry (lowercase hex).</summary>
    public required string Hash { get; set; }
}
