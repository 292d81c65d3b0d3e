namespace Kagi.Testing;

/// <summary>
/// The machine has one opencryptoki soft token, and test assemblies run in parallel processes: every test that
/// uses it holds this machine-wide lock (an exclusive lock on a file in /tmp), in addition to its xunit
/// collection, so a lockout test and an enrollment never meet on the token.
/// </summary>
public sealed class OpencryptokiLock : IDisposable
{
    private readonly FileStream _file;

    private OpencryptokiLock(FileStream file) => _file = file;

    /// <summary>Waits (at most ten minutes) for the token.</summary>
    public static OpencryptokiLock Acquire()
    {
        string path = Path.Combine(Path.GetTempPath(), "kagi-opencryptoki-token.lock");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new OpencryptokiLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(10))
            {
                Thread.Sleep(200);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
