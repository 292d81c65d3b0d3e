using Kagi.Agent.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kagi.Agent.Devices;

/// <summary>Polls <see cref="DeviceHub"/> every <see cref="AgentOptions.PollInterval"/> while the agent runs.</summary>
internal sealed partial class DevicePoller(DeviceHub hub, AgentOptions options, ILogger<DevicePoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await hub.PollAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Kagi.Pkcs11.Pkcs11Exception or Kagi.Tokens.KagiException)
            {
                PollFailed(log, e.Message);
            }

            try
            {
                await Task.Delay(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token poll failed: {Reason}")]
    private static partial void PollFailed(ILogger logger, string reason);
}
