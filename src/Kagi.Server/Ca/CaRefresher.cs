using Kagi.Registry.Authorities;
using Kagi.Server.Options;

namespace Kagi.Server.Ca;

/// <summary>
/// Re-reads the set of issuing CAs every <see cref="CaOptions.RefreshSeconds"/>. Issuance, CRLs and /pki refresh on
/// demand already; this covers what reads the in-memory set without a request of its own, namely the TLS handshake
/// of the client-authentication listener, which must trust a CA another instance rolled over to.
/// </summary>
public sealed class CaRefresher(CaService ca, IServiceScopeFactory scopes, KagiServerOptions options, ILogger<CaRefresher> log) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Ca.RefreshSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                using IServiceScope scope = scopes.CreateScope();
                await ca.RefreshAsync(scope.ServiceProvider.GetRequiredService<IssuingAuthorityStore>(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick (or the next request) tries again; requests that need the set refresh on their own.
                log.LogWarning(e, "Could not refresh the issuing CAs from the database.");
            }
        }
    }
}
