namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// The system clock plus an offset the test moves forward, or a moment the clock stands still at. A test double because
/// no real part can make 30 minutes pass in a test; everything else (tokens, database, HTTP) stays real.
/// </summary>
public sealed class AdjustableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    /// <summary>
    /// When set, the time the clock shows, whatever the system clock does: a server step that must happen at an exact
    /// moment relative to an earlier one (say 29 minutes after it, just inside a 30-minute window) happens there however
    /// long the machine takes to get a client to it. Timers are not affected (TimeProvider's timers run on real time).
    /// </summary>
    public DateTimeOffset? FrozenAt { get; set; }

    public override DateTimeOffset GetUtcNow() => FrozenAt ?? base.GetUtcNow() + Offset;
}
