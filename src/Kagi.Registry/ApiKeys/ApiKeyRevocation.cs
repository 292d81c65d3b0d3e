namespace Kagi.Registry.ApiKeys;

/// <summary>Outcome of revoking an API key.</summary>
public enum ApiKeyRevocation
{
    /// <summary>Revoked now.</summary>
    Revoked,

    /// <summary>No key with that id.</summary>
    NotFound,

    /// <summary>It was revoked before; nothing changed.</summary>
    AlreadyRevoked,
}
