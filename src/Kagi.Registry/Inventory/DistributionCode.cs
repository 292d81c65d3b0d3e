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

    /// <summary>The public key is not a DER SubjectPublicKeyInfo.</summary>
    InvalidPublicKey,

    /// <summary>Someone else changed the token at the same time; nothing changed.</summary>
    Conflict,
}
