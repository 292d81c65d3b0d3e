using System.CommandLine;
using Kagi.Agent.Api;
using Kagi.Agent.Hosting;
using Kagi.Agent.Security;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Resources;
using Kagi.Tokens.Modules;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi agent</c>: starts the device-info agent (src/Kagi.Agent) on 127.0.0.1 and runs it until interrupted.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        Option<int?> port = new("--port") { Description = Messages.OptAgentPort, HelpName = "PORT" };
        Option<string[]> origins = new("--allow-origin") { Description = Messages.OptAgentAllowOrigin, HelpName = "ORIGIN", AllowMultipleArgumentsPerToken = false };
        Option<string?> server = new("--server") { Description = Messages.OptServer, HelpName = "URL" };
        Option<string?> serverCa = new("--server-ca") { Description = Messages.OptServerCa, HelpName = "FILE" };
        Option<bool> noBrowser = new("--no-browser") { Description = Messages.OptNoBrowser };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 65535)
            {
                r.AddError(Messages.ErrAgentPort);
            }
        });
        var command = new Command("agent", Messages.CmdAgent) { port, origins, server, serverCa, noBrowser };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                string[] allowed = [.. parse.GetValue(origins) ?? [], .. (Environment.GetEnvironmentVariable("KAGI_AGENT_ORIGINS") ?? string.Empty)
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                foreach (string origin in allowed)
                {
                    if (AgentOrigins.Normalize(origin) is null)
                    {
                        Output.Error(ErrorReporter.Format(Messages.ErrAgentOrigin, origin));
                        return ExitCodes.Usage;
                    }
                }

                int? configuredPort = parse.GetValue(port) ?? (int.TryParse(Environment.GetEnvironmentVariable("KAGI_AGENT_PORT"), out int p) ? p : null);
                var options = new AgentOptions
                {
                    Port = configuredPort ?? AgentOptions.DefaultPort,
                    AllowedOrigins = allowed,
                    ServerUrl = parse.GetValue(server) ?? Environment.GetEnvironmentVariable("KAGI_SERVER"),
                    ServerCaFile = parse.GetValue(serverCa) ?? Environment.GetEnvironmentVariable("KAGI_SERVER_CA"),
                    OpenBrowser = !parse.GetValue(noBrowser),
                };
                KagiSettings settings = KagiSettings.Resolve(parse.GetValue(GlobalOptions.Module), parse.GetValue(GlobalOptions.Token), parse.GetValue(GlobalOptions.Lang));
                await using RunningAgent agent = await AgentHost.StartAsync(options, settings, ct);
                Output.Line(ErrorReporter.Format(Messages.AgentListening, agent.Url + "/"));
                if (options.OpenBrowser)
                {
                    WizardLauncher.Open(agent.Url + "/");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return ErrorReporter.Report(e);
            }
        });
        return command;
    }
}
