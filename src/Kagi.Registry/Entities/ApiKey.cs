namespace Kagi.Registry.Entities;

/// <summary>An API key for the admin API; only the SHA-256 of the key is kept.</summary>
public sealed class ApiKey
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>What the key is for, e.g. "ra-batch".</summary>
    public required string Name { get; set; }

    /// <summary>SHA-256 of the key's UTF-8 text; unique.</summary>
    public required byte[] Hash { get; set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was revoked (UTC); null while valid.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
