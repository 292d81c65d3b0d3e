namespace Kagi.Registry.Pins;

/// <summary>What a storage PIN verification found.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="AttemptsLeft">Wrong attempts still allowed (meaningful for Ok and Wrong; 0 otherwise).</param>
/// <param name="AssignmentId">The token's open assignment, when there is one.</param>
/// <param name="PinId">The storage PIN that was verified (on Ok), so tickets can be bound to it.</param>
public sealed record StoragePinVerification(StoragePinOutcome Outcome, int AttemptsLeft, long? AssignmentId, long? PinId = null);

/// <summary>The current (latest, not superseded) storage PIN of an assignment.</summary>
/// <param name="Id">The PIN's id; a reissue creates a new id.</param>
/// <param name="State">Its state.</param>
/// <param name="UsedAt">When it was verified, if it was.</param>
public sealed record CurrentStoragePin(long Id, Kagi.Registry.Entities.StoragePinState State, DateTimeOffset? UsedAt);
