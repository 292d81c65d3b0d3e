namespace Kagi.Registry.Entities;

/// <summary>A single-use server challenge.</summary>
public sealed class Nonce
{
    /// <summary>base64url of 32 random bytes; the key.</summary>
    public required string Value { get; set; }

    /// <summary>What the nonce may be used for, e.g. "token-authentication".</summary>
    public required string Purpose { get; set; }

    /// <summary>The token the nonce was issued to, if bound to one.</summary>
    public string? TokenSerial { get; set; }

    /// <summary>When it was issued (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops being accepted (UTC).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was consumed (UTC); null while unused.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
