namespace Kagi.Registry.Pins;

/// <summary>
/// A newly issued storage PIN. <see cref="Pin"/> is the only copy of the plaintext: mail it and drop it; the
/// database keeps only a salted hash.
/// </summary>
/// <param name="Code">The outcome.</param>
/// <param name="Pin">The plaintext PIN when issued.</param>
/// <param name="ExpiresAt">When it stops being accepted (UTC).</param>
/// <param name="PinId">The stored PIN's id.</param>
public sealed record StoragePinIssue(StoragePinIssueCode Code, string? Pin, DateTimeOffset? ExpiresAt, long? PinId)
{
    /// <summary>Leaves the PIN out of logs and debugger displays.</summary>
    /// <returns>The record without the PIN.</returns>
    public override string ToString() => $"StoragePinIssue {{ Code = {Code}, ExpiresAt = {ExpiresAt:O}, PinId = {PinId} }}";
}
