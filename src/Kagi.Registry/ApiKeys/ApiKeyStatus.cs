namespace Kagi.Registry.ApiKeys;

/// <summary>Outcome of checking a presented API key.</summary>
public enum ApiKeyStatus
{
    /// <summary>A known, unrevoked key.</summary>
    Valid,

    /// <summary>Not a key this server issued (or malformed).</summary>
    Unknown,

    /// <summary>A key that was revoked.</summary>
    Revoked,
}
