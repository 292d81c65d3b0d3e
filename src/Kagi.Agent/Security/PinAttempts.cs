using System.Collections.Concurrent;

namespace Kagi.Agent.Security;

/// <summary>What a PIN attempt was for.</summary>
public enum PinAttemptKind
{
    /// <summary>The token's user PIN (log in, PIN change).</summary>
    UserPin,

    /// <summary>The storage PIN of the wizard (checked by the server).</summary>
    StoragePin,
}

/// <summary>
/// Counts every PIN attempt made through the agent, per token and kind, and refuses attempts beyond
/// <see cref="MaxPerMinute"/> a minute for one token, so a script driving the agent's pages cannot grind PINs faster than
/// a person. Only counts are kept, never PIN values, and nothing here is logged.
/// </summary>
public sealed class PinAttempts(TimeProvider? time = null)
{
    /// <summary>Attempts allowed per token and minute.</summary>
    public const int MaxPerMinute = 10;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Serial, PinAttemptKind Kind), int> _totals = new();
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);

    /// <summary>Records an attempt on <paramref name="serial"/>; false (and not counted) when the per-minute limit is reached.</summary>
    public bool TryBegin(string serial, PinAttemptKind kind)
    {
        Queue<DateTimeOffset> recent = _recent.GetOrAdd(serial, _ => new Queue<DateTimeOffset>());
        lock (recent)
        {
            DateTimeOffset now = _time.GetUtcNow();
            while (recent.Count > 0 && now - recent.Peek() > TimeSpan.FromMinutes(1))
            {
                recent.Dequeue();
            }

            if (recent.Count >= MaxPerMinute)
            {
                return false;
            }

            recent.Enqueue(now);
        }

        _totals.AddOrUpdate((serial, kind), 1, (_, n) => n + 1);
        return true;
    }

    /// <summary>Attempts of <paramref name="kind"/> on <paramref name="serial"/> since the agent started.</summary>
    public int Count(string serial, PinAttemptKind kind) => _totals.GetValueOrDefault((serial, kind));
}
