using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kagi.Bench.Server;

/// <summary>
/// Accumulates time per named step, and (through the interceptors below) per kind of database work inside the step:
/// connection opens (with the per-connection PRAGMAs Kagi runs), BEGIN, each SQL verb, COMMIT. Thread-safe; the current
/// step flows with the async context.
/// </summary>
internal sealed class StepRecorder
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Count, double Micros, long Slow)> _totals = new(StringComparer.Ordinal);
    private readonly AsyncLocal<string?> _step = new();

    public string? Current
    {
        get => _step.Value;
        set => _step.Value = value;
    }

    public bool Enabled { get; set; }

    public void Add(string key, double micros)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_lock)
        {
            var (count, total, slow) = _totals.GetValueOrDefault(key);
            _totals[key] = (count + 1, total + micros, slow + (micros >= 100_000 ? 1 : 0));
        }
    }

    public void AddSql(string kind, TimeSpan duration) => Add($"{Current ?? "other"}/{kind}", duration.TotalMicroseconds);

    public T Step<T>(string name, Func<T> work)
    {
        Current = name;
        long t0 = Stopwatch.GetTimestamp();
        T result = work();
        Add(name, Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        Current = null;
        return result;
    }

    public async Task<T> StepAsync<T>(string name, Func<Task<T>> work)
    {
        Current = name;
        long t0 = Stopwatch.GetTimestamp();
        T result = await work();
        Add(name, Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        Current = null;
        return result;
    }

    public Dictionary<string, (long Count, double Micros, long Slow)> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, (long Count, double Micros, long Slow)>(_totals, StringComparer.Ordinal);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _totals.Clear();
        }
    }

    public static string Verb(string sql)
    {
        ReadOnlySpan<char> s = sql.AsSpan().TrimStart();
        int end = s.IndexOfAny(' ', '\n', '\r');
        return (end < 0 ? s : s[..end]).ToString().ToUpperInvariant();
    }
}

internal sealed class CommandTiming(StepRecorder recorder) : DbCommandInterceptor
{
    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("sql " + StepRecorder.Verb(command.CommandText), eventData.Duration);
        return ValueTask.FromResult(result);
    }
}

internal sealed class TransactionTiming(StepRecorder recorder) : DbTransactionInterceptor
{
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        recorder.AddSql("BEGIN IMMEDIATE", eventData.Duration);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("BEGIN IMMEDIATE", eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        recorder.AddSql("COMMIT", eventData.Duration);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("COMMIT", eventData.Duration);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        recorder.AddSql("ROLLBACK", eventData.Duration);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        recorder.AddSql("ROLLBACK", eventData.Duration);
        return Task.CompletedTask;
    }
}

/// <summary>Times connection opens including the PRAGMAs Kagi's own interceptor runs after each open (it is registered first).</summary>
internal sealed class ConnectionTiming(StepRecorder recorder) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<DbConnection, StrongBox<long>> _opening = [];

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        _opening.AddOrUpdate(connection, new StrongBox<long>(Stopwatch.GetTimestamp()));
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        _opening.AddOrUpdate(connection, new StrongBox<long>(Stopwatch.GetTimestamp()));
        return ValueTask.FromResult(result);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Opened(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Opened(connection);
        return Task.CompletedTask;
    }

    private void Opened(DbConnection connection)
    {
        if (_opening.TryGetValue(connection, out StrongBox<long>? start))
        {
            recorder.AddSql("open+PRAGMAs", Stopwatch.GetElapsedTime(start.Value));
        }
    }
}
