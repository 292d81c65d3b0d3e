namespace Kagi.Registry.Pins;

/// <summary>What a storage PIN verification found.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="AttemptsLeft">Wrong attempts still allowed (meaningful for Ok and Wrong; 0 otherwise).</param>
/// <param name="AssignmentId">The token's open assignment, when there is one.</param>
public sealed record StoragePinVerification(StoragePinOutcome Outcome, int AttemptsLeft, long? AssignmentId);
