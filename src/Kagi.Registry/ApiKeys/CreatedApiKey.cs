namespace Kagi.Registry.ApiKeys;

/// <summary>A new API key. <see cref="Key"/> is the only copy: hand it over and drop it; only its SHA-256 is stored.</summary>
/// <param name="Id">The key's id (for revoking).</param>
/// <param name="Key">"kagi_" followed by base64url of 32 random bytes.</param>
public sealed record CreatedApiKey(long Id, string Key)
{
    /// <summary>Leaves the key out of logs and debugger displays.</summary>
    /// <returns>The record without the key.</returns>
    public override string ToString() => $"CreatedApiKey {{ Id = {Id} }}";
}
