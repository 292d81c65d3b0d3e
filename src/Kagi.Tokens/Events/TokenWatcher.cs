using System.Runtime.CompilerServices;
using Kagi.Pkcs11;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Events;

/// <summary>
/// Turns token insertion and removal into an event stream. Each round asks the modules for pending slot events
/// without blocking (C_WaitForSlotEvent with CKF_DONT_BLOCK) and compares the set of attached tokens with the
/// previous round, so modules that implement slot events badly or not at all are covered by polling. Tokens are
/// identified by module, slot and serial.
/// </summary>
public sealed class TokenWatcher(Func<IReadOnlyList<TokenInfo>> snapshot, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A watcher over a <see cref="TokenDirectory"/>.</summary>
    /// <param name="directory">The tokens to watch.</param>
    /// <param name="rescan">
    /// Called before each round, e.g. <see cref="Modules.ModuleSet.Rescan"/> to re-initialize a module that only
    /// enumerates tokens at C_Initialize (SoftHSM2 does); null to skip.
    /// </param>
    public static TokenWatcher For(TokenDirectory directory, Action? rescan = null) => new(() =>
    {
        rescan?.Invoke();
        foreach (Pkcs11Module module in directory.Modules.Modules)
        {
            try
            {
                while (module.TryGetSlotEvent(out _))
                {
                    // Drain pending events; the snapshot below tells what changed.
                }
            }
            catch (Pkcs11Exception)
            {
                // CKR_FUNCTION_NOT_SUPPORTED and friends: polling alone will do.
            }
        }

        return directory.List().Select(t => t.Info).ToArray();
    });

    /// <summary>
    /// Yields an <see cref="TokenEventKind.Inserted"/> event for each token present at start when
    /// <paramref name="includeInitial"/>, then one event per change, checking every <paramref name="interval"/>.
    /// </summary>
    public async IAsyncEnumerable<TokenEvent> WatchAsync(
        TimeSpan interval, bool includeInitial, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Dictionary<string, TokenInfo> previous = Index(snapshot());
        if (includeInitial)
        {
            foreach (TokenInfo token in previous.Values)
            {
                yield return new TokenEvent(TokenEventKind.Inserted, token, _time.GetUtcNow());
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            Dictionary<string, TokenInfo> current = Index(snapshot());
            foreach (TokenEvent change in Diff(previous, current, _time.GetUtcNow()))
            {
                yield return change;
            }

            previous = current;
        }
    }

    /// <summary>The events that turn <paramref name="before"/> into <paramref name="after"/>: removals first, then insertions.</summary>
    public static IEnumerable<TokenEvent> Diff(IReadOnlyDictionary<string, TokenInfo> before, IReadOnlyDictionary<string, TokenInfo> after, DateTimeOffset at)
    {
        foreach ((string key, TokenInfo token) in before)
        {
            if (!after.ContainsKey(key))
            {
                yield return new TokenEvent(TokenEventKind.Removed, token, at);
            }
        }

        foreach ((string key, TokenInfo token) in after)
        {
            if (!before.ContainsKey(key))
            {
                yield return new TokenEvent(TokenEventKind.Inserted, token, at);
            }
        }
    }

    /// <summary>Keys tokens by module, slot and serial.</summary>
    public static Dictionary<string, TokenInfo> Index(IEnumerable<TokenInfo> tokens) =>
        tokens.GroupBy(t => $"{t.ModulePath}|{t.SlotId}|{t.Serial}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
}
