namespace Kagi.Registry.Inventory;

/// <summary>Outcome of recording a token's distribution.</summary>
public enum DistributionCode
{
    /// <summary>The distribution key (and encrypted PINs) were stored and audited.</summary>
    Recorded,

    /// <summary>No token with that serial.</summary>
    TokenNotFound,

    /// <summary>The token is neither in stock nor assigned (an active or retired token is not redistributed).</summary>
    WrongState,

    /// <summary>The public key is not a DER SubjectPublicKeyInfo of a key a token can authenticate with (see <see cref="InputRules.IsDistributionKey"/>).</summary>
    InvalidPublicKey,

    /// <summary>Someone else changed the token at the same time; nothing changed.</summary>
    Conflict,

    /// <summary>The token was unknown and its registration data is invalid (see <see cref="DistributionResult.Errors"/>); nothing changed.</summary>
    InvalidToken,
}
