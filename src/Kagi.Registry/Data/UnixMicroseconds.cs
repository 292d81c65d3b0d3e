namespace Kagi.Registry.Data;

/// <summary>
/// How times are stored: every <see cref="DateTimeOffset"/> column is a 64-bit integer holding microseconds since
/// 1970-01-01T00:00:00Z (SQLite INTEGER, PostgreSQL bigint). Both engines compare and order such columns in SQL
/// (SQLite cannot compare EF Core's DateTimeOffset text), microseconds match PostgreSQL's own precision, and a
/// human reads them with <c>to_timestamp(x / 1e6)</c> (PostgreSQL) or <c>datetime(x / 1000000, 'unixepoch')</c>
/// (SQLite). Values read back are UTC (offset zero); sub-microsecond digits are dropped.
/// </summary>
public static class UnixMicroseconds
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Microseconds since the Unix epoch of <paramref name="value"/>, rounded towards the past.</summary>
    /// <returns>The stored representation.</returns>
    public static long From(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long q = ticks / TicksPerMicrosecond;
        return ticks < 0 && ticks % TicksPerMicrosecond != 0 ? q - 1 : q;
    }

    /// <summary>The UTC time for a stored value.</summary>
    /// <returns>A <see cref="DateTimeOffset"/> with offset zero.</returns>
    public static DateTimeOffset To(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary><paramref name="value"/> at the precision it is stored with (so that it reads back equal).</summary>
    /// <returns>The truncated UTC time.</returns>
    public static DateTimeOffset Truncate(DateTimeOffset value) => To(From(value));
}
