using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Kagi.Registry.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Enrollment;

/// <summary>
/// The one writer of issued certificates in this process (group commit). Issuance requests hand their record to it
/// and wait; it takes whatever records are waiting (up to <see cref="MaxBatch"/>) and writes them in one transaction
/// with <see cref="EnrollmentService.RecordIssuedBatchAsync"/>, so concurrent issuances share one durable commit
/// (one fsync on SQLite) instead of queueing for the database's write lock one by one. Each record still gets the
/// outcome it would have alone. With one request at a time it writes batches of one, as before.
/// </summary>
/// <remarks>
/// A record is written even when its request was cancelled meanwhile (the certificate is signed by then, and the
/// registry must know every certificate the CA signed). When a batch fails as a whole, its records are written one by
/// one, so one record's unexpected failure is that request's failure only.
/// </remarks>
public sealed partial class IssuanceRecorder(IServiceScopeFactory scopes, ILogger<IssuanceRecorder> logger, IMeterFactory meters) : BackgroundService
{
    /// <summary>The most records written in one transaction.</summary>
    public const int MaxBatch = 64;

    /// <summary>The meter's name (<c>Kagi.Server</c>) for metrics collectors.</summary>
    public const string MeterName = "Kagi.Server";

    /// <summary>The histogram of certificates written per transaction (how much the group commit shares).</summary>
    public const string BatchSizeInstrument = "kagi.issuance.batch_size";

    private readonly Histogram<int> _batchSize = meters.Create(MeterName).CreateHistogram<int>(
        BatchSizeInstrument, "{certificate}", "Issued certificates written per group-commit transaction.");

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Records <paramref name="record"/> with the next batch.</summary>
    /// <param name="record">The certificate to record.</param>
    /// <param name="cancellationToken">Stops waiting (the record is still written).</param>
    /// <returns>The outcome, as <see cref="EnrollmentService.RecordIssuedBatchAsync"/> reports it.</returns>
    /// <exception cref="InvalidOperationException">The server is shutting down and takes no more records.</exception>
    /// <exception cref="DbUpdateException">The record could not be written.</exception>
    public Task<OrderResult> RecordAsync(IssuanceRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new Pending(record, new TaskCompletionSource<OrderResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The server is shutting down; no more certificates are recorded.");
        }

        return pending.Outcome.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out Pending? pending))
                {
                    batch.Add(pending);
                }

                await WriteAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what was handed in already, refuse the rest.
        }

        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out Pending? pending))
        {
            batch.Add(pending);
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        _batchSize.Record(batch.Count);
        try
        {
            IReadOnlyList<OrderResult> results = await WithServiceAsync(s => s.RecordIssuedBatchAsync(batch.ConvertAll(p => p.Record))).ConfigureAwait(false);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Outcome.TrySetResult(results[i]);
            }

            return;
        }
        catch (Exception e) when (batch.Count > 1)
        {
            LogBatchFailed(logger, batch.Count, e);
        }
        catch (Exception e)
        {
            batch[0].Outcome.TrySetException(e);
            return;
        }

        foreach (Pending pending in batch)
        {
            try
            {
                IReadOnlyList<OrderResult> results = await WithServiceAsync(s => s.RecordIssuedBatchAsync([pending.Record])).ConfigureAwait(false);
                pending.Outcome.TrySetResult(results[0]);
            }
            catch (Exception e)
            {
                pending.Outcome.TrySetException(e);
            }
        }
    }

    private async Task<T> WithServiceAsync<T>(Func<EnrollmentService, Task<T>> work)
    {
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await work(scope.ServiceProvider.GetRequiredService<EnrollmentService>()).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording a batch of {Count} issued certificates failed; recording them one by one.")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    private sealed record Pending(IssuanceRecord Record, TaskCompletionSource<OrderResult> Outcome);
}
