namespace Kagi.Registry.Audit;

/// <summary>What <see cref="AuditLog.VerifyAsync"/> found.</summary>
/// <param name="Intact">True when every entry links to the one before and carries its correct hash.</param>
/// <param name="EntriesChecked">How many entries were read.</param>
/// <param name="FirstBrokenSequence">The first sequence number at which the chain breaks; null when intact.</param>
/// <param name="Break">How it breaks; null when intact.</param>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? FirstBrokenSequence, AuditBreak? Break);

/// <summary>How an audit chain is broken.</summary>
public enum AuditBreak
{
    /// <summary>The entry with this sequence number is missing (deleted, or the sequence was renumbered).</summary>
    Missing,

    /// <summary>The entry's PreviousHash is not the hash of the entry before it (an earlier entry was re-hashed or reordered).</summary>
    PreviousHashMismatch,

    /// <summary>The entry's content does not match its hash (edited).</summary>
    HashMismatch,
}
