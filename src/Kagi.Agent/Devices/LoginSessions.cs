using System.Collections.Concurrent;
using Kagi.Tokens.Tokens;

namespace Kagi.Agent.Devices;

/// <summary>
/// Management-tool logins: a logged-in <see cref="TokenSession"/> kept open per token serial until the user logs out
/// or the token goes away. While one is open the hub does not re-initialize modules (<see cref="DeviceHub.HoldSession"/>).
/// </summary>
public sealed class LoginSessions(DeviceHub hub) : IDisposable
{
    private readonly ConcurrentDictionary<string, TokenSession> _sessions = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="serial"/> has a logged-in session.</summary>
    public bool IsLoggedIn(string serial) => _sessions.ContainsKey(serial);

    /// <summary>The logged-in session of <paramref name="serial"/>, or null (use inside <see cref="DeviceHub.UseAsync{T}"/>).</summary>
    public TokenSession? Find(string serial) => _sessions.GetValueOrDefault(serial);

    /// <summary>Keeps <paramref name="session"/> (already logged in) for <paramref name="serial"/>.</summary>
    public void Keep(string serial, TokenSession session)
    {
        if (_sessions.TryAdd(serial, session))
        {
            hub.HoldSession();
        }
        else
        {
            session.Dispose();
        }
    }

    /// <summary>Logs out and closes the session of <paramref name="serial"/> (use inside <see cref="DeviceHub.UseAsync{T}"/>).</summary>
    public void End(string serial)
    {
        if (_sessions.TryRemove(serial, out TokenSession? session))
        {
            try
            {
                session.Dispose();
            }
            catch (Kagi.Pkcs11.Pkcs11Exception)
            {
                // The token is gone; nothing to log out from.
            }

            hub.ReleaseSession();
        }
    }

    /// <summary>Closes every session.</summary>
    public void Dispose()
    {
        foreach (string serial in _sessions.Keys)
        {
            End(serial);
        }
    }
}
