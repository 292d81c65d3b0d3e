namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// The system clock plus an offset the test moves forward. A test double because no real part can make 30 minutes
/// pass in a test; everything else (tokens, database, HTTP) stays real.
/// </summary>
public sealed class AdjustableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
