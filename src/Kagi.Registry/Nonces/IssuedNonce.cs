namespace Kagi.Registry.Nonces;

/// <summary>A nonce handed to a client.</summary>
/// <param name="Value">base64url of 32 random bytes (43 characters).</param>
/// <param name="ExpiresAt">When it stops being accepted (UTC).</param>
public sealed record IssuedNonce(string Value, DateTimeOffset ExpiresAt);
