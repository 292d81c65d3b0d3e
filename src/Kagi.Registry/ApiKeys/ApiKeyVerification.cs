namespace Kagi.Registry.ApiKeys;

/// <summary>What checking a presented API key found.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Id">The key's id, when known.</param>
/// <param name="Name">The key's name, when known.</param>
public sealed record ApiKeyVerification(ApiKeyStatus Status, long? Id, string? Name);
