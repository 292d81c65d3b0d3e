namespace Kagi.Registry.Nonces;

/// <summary>Stable nonce purpose codes.</summary>
public static class NoncePurposes
{
    /// <summary>A token signs the nonce with its distribution key to authenticate.</summary>
    public const string TokenAuthentication = "token-authentication";
}
