namespace Kagi.Registry.Entities;

/// <summary>State of a storage PIN. Stored as the member name.</summary>
public enum StoragePinState
{
    /// <summary>Can be verified.</summary>
    Active,

    /// <summary>Verified once; never again.</summary>
    Used,

    /// <summary>Too many wrong attempts; only a reissue helps.</summary>
    Locked,

    /// <summary>Replaced by a newer PIN, or the assignment ended.</summary>
    Superseded,
}
