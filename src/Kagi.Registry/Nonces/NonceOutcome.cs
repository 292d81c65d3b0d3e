namespace Kagi.Registry.Nonces;

/// <summary>Outcome of consuming a nonce.</summary>
public enum NonceOutcome
{
    /// <summary>Valid and now used up (exactly one consumer ever gets this).</summary>
    Consumed,

    /// <summary>Unknown, or issued for another purpose or token.</summary>
    NotFound,

    /// <summary>Past its lifetime.</summary>
    Expired,

    /// <summary>Already consumed.</summary>
    AlreadyUsed,
}
