using Microsoft.EntityFrameworkCore.Storage;

namespace Kagi.Registry.Data;

/// <summary>
/// How every service operation runs: in one write transaction (<see cref="KagiDatabase.BeginWriteTransactionAsync"/>),
/// committed by the operation itself when it succeeds, rolled back otherwise; afterwards the context's change
/// tracker is cleared whatever happened, so no entity read by one operation goes stale in the next (another
/// instance, or an <c>ExecuteUpdate</c>, may change the row in between).
/// </summary>
internal static class WriteOperation
{
    public static async Task<T> RunAsync<T>(KagiDbContext db, Func<IDbContextTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var transaction = await KagiDatabase.BeginWriteTransactionAsync(db, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                return await work(transaction).ConfigureAwait(false);
            }
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
