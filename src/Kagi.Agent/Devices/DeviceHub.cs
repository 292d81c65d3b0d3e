using System.Threading.Channels;
using Kagi.Tokens.Events;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Agent.Devices;

/// <summary>
/// The agent's one view of the PKCS#11 modules. Every token operation runs through <see cref="UseAsync{T}"/>, one at a
/// time, because the poll loop re-initializes modules that only enumerate tokens at C_Initialize (SoftHSM2; see
/// <see cref="ModuleSet.Rescan"/>) and that must not happen under an open session. Insertions and removals are published to every subscriber.
/// </summary>
public sealed class DeviceHub : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _subscribersLock = new();
    private readonly List<Channel<TokenEvent>> _subscribers = [];
    private readonly ModuleSet _modules;
    private Dictionary<string, TokenInfo> _current = new(StringComparer.Ordinal);
    private int _heldSessions;

    /// <summary>Opens the modules <paramref name="settings"/> names.</summary>
    public DeviceHub(KagiSettings settings)
    {
        _modules = ModuleSet.Open(settings);
        Directory = new TokenDirectory(_modules);
    }

    /// <summary>The token directory (use only inside <see cref="UseAsync{T}"/>).</summary>
    public TokenDirectory Directory { get; }

    /// <summary>The tokens seen at the last poll.</summary>
    public IReadOnlyList<TokenInfo> Current
    {
        get
        {
            lock (_subscribersLock)
            {
                return _current.Values.OrderBy(t => t.Serial, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> with exclusive use of the modules.</summary>
    public async Task<T> UseAsync<T>(Func<TokenDirectory, Task<T>> work, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work(Directory).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> with exclusive use of the modules.</summary>
    public Task<T> Use<T>(Func<TokenDirectory, T> work, CancellationToken ct = default) => UseAsync(d => Task.FromResult(work(d)), ct);

    /// <summary>
    /// Marks a session kept open across requests (a management login); modules are not re-initialized while any is
    /// held, so SoftHSM2 tokens created meanwhile appear only after the last logout.
    /// </summary>
    public void HoldSession() => Interlocked.Increment(ref _heldSessions);

    /// <summary>Ends what <see cref="HoldSession"/> started.</summary>
    public void ReleaseSession() => Interlocked.Decrement(ref _heldSessions);

    /// <summary>A stream of every insertion and removal from now on; complete it by cancelling.</summary>
    public async IAsyncEnumerable<TokenEvent> SubscribeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<TokenEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_subscribersLock)
        {
            _subscribers.Add(channel);
        }

        try
        {
            await foreach (TokenEvent e in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            lock (_subscribersLock)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>
    /// One poll: lets the modules rescan when allowed (<see cref="ModuleSet.Rescan"/>), lists the tokens and publishes
    /// the differences.
    /// </summary>
    public async Task PollAsync(CancellationToken ct)
    {
        TokenInfo[] now = await Use(directory =>
        {
            // Re-initializes only modules that need it to see new tokens and survive it (ModuleQuirks); never
            // opencryptoki, whose C_Finalize after a second C_Initialize closes a random fd of this process (a
            // browser's WebSocket, the listener).
            if (Volatile.Read(ref _heldSessions) == 0)
            {
                directory.Modules.Rescan();
            }

            return directory.List().Select(t => t.Info).ToArray();
        }, ct).ConfigureAwait(false);

        Dictionary<string, TokenInfo> next = TokenWatcher.Index(now);
        lock (_subscribersLock)
        {
            foreach (TokenEvent e in TokenWatcher.Diff(_current, next, DateTimeOffset.UtcNow))
            {
                foreach (Channel<TokenEvent> subscriber in _subscribers)
                {
                    subscriber.Writer.TryWrite(e);
                }
            }

            _current = next;
        }
    }

    /// <summary>Closes the modules.</summary>
    public void Dispose()
    {
        _modules.Dispose();
        _gate.Dispose();
    }
}
