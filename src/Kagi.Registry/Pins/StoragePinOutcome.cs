namespace Kagi.Registry.Pins;

/// <summary>Outcome of a storage PIN verification.</summary>
public enum StoragePinOutcome
{
    /// <summary>Correct; the PIN is now used up (exactly one verification ever gets this).</summary>
    Ok,

    /// <summary>Wrong; see the attempts left (0: the PIN is now locked).</summary>
    Wrong,

    /// <summary>Locked after too many wrong attempts; only a reissue helps.</summary>
    Locked,

    /// <summary>Past its validity; only a reissue helps.</summary>
    Expired,

    /// <summary>The token is unknown, has no open assignment, or the assignment has no PIN.</summary>
    NotFound,

    /// <summary>The PIN was already verified once.</summary>
    AlreadyUsed,
}
