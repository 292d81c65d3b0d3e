using Kagi.Registry.Entities;

namespace Kagi.Registry.Inventory;

/// <summary>What an assignment did.</summary>
/// <param name="Code">The outcome; anything but Assigned means nothing changed.</param>
/// <param name="AssignmentId">The new assignment.</param>
/// <param name="OrderId">The new enrollment order.</param>
/// <param name="CertificateId">The order's certificate ID.</param>
/// <param name="TokenState">The token's state now (when the token exists).</param>
public sealed record AssignmentResult(AssignmentCode Code, long? AssignmentId, long? OrderId, string? CertificateId, TokenState? TokenState)
{
    internal static AssignmentResult Refused(AssignmentCode code, TokenState? state = null) => new(code, null, null, null, state);
}
