using Kagi.Registry.Entities;

namespace Kagi.Registry.Enrollment;

/// <summary>Where a token's enrollment stands, as the enrollment API needs it.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Serial">Its serial.</param>
/// <param name="TokenState">Its state.</param>
/// <param name="DistributionPublicKey">Its distribution key (SPKI DER), if distributed.</param>
/// <param name="AssignmentId">Its open assignment, if any.</param>
/// <param name="User">The assigned user, if any.</param>
/// <param name="Order">The assignment's latest enrollment order, if any.</param>
public sealed record EnrollmentStatus(
    long TokenId,
    string Serial,
    TokenState TokenState,
    byte[]? DistributionPublicKey,
    long? AssignmentId,
    User? User,
    EnrollmentOrder? Order);
