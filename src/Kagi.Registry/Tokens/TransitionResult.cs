using Kagi.Registry.Entities;

namespace Kagi.Registry.Tokens;

/// <summary>What a token state change did.</summary>
/// <param name="Code">The outcome; anything but <see cref="TransitionCode.Done"/> means nothing changed.</param>
/// <param name="From">The state the token was in (null when not found).</param>
/// <param name="To">The state it is in now (equals <paramref name="From"/> when nothing changed).</param>
/// <param name="EndedAssignmentId">The assignment this move ended, if any.</param>
/// <param name="UnrevokedCertificates">
/// Serials of the not yet revoked certificates of the token's current (or just ended) assignment, when the token
/// moved to Suspended, Lost, Damaged or Terminated: the CA layer decides whether to revoke or hold them.
/// </param>
public sealed record TransitionResult(
    TransitionCode Code,
    TokenState? From,
    TokenState? To,
    long? EndedAssignmentId,
    IReadOnlyList<string> UnrevokedCertificates)
{
    internal static TransitionResult Refused(TransitionCode code, TokenState? state) => new(code, state, state, null, []);
}
