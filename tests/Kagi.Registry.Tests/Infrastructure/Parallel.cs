namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>
/// Runs many callers at the same moment. Microsoft.Data.Sqlite's async methods complete synchronously, so each
/// caller holds a thread-pool thread; the pool is widened first so that the callers really overlap on a small machine.
/// </summary>
public static class Parallel
{
    public static async Task<T[]> RunAsync<T>(int count, Func<Task<T>> caller)
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, count + 8), io);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await caller();
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
