using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Tokens.Events;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi watch</c>: prints a line when a token is inserted or removed, until interrupted.</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        Option<bool> json = GlobalOptions.Json();
        Option<int> interval = new("--interval") { Description = Messages.OptInterval, DefaultValueFactory = _ => 500, HelpName = "MS" };
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 50 or > 60_000)
            {
                r.AddError(Messages.ErrInterval);
            }
        });
        var command = new Command("watch", Messages.CmdWatch) { json, interval };
        command.SetAction((parse, cancel) => Task.FromResult(Cli.Run(parse, ctx =>
        {
            // This process holds no sessions, so modules that enumerate tokens only at C_Initialize (SoftHSM2)
            // can be re-initialized before each round to see tokens added or removed by other programs; Rescan
            // leaves every other module initialized (opencryptoki must not be re-initialized, see ModuleQuirks).
            TokenWatcher watcher = TokenWatcher.For(ctx.Tokens, ctx.Modules.Rescan);
            bool asJson = parse.GetValue(json);
            if (!asJson)
            {
                Output.Error(Messages.WatchStarted);
            }

            IAsyncEnumerator<TokenEvent> events = watcher.WatchAsync(TimeSpan.FromMilliseconds(parse.GetValue(interval)), includeInitial: true, cancel)
                .GetAsyncEnumerator(cancel);
            try
            {
                while (events.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    TokenEvent e = events.Current;
                    if (asJson)
                    {
                        Output.JsonLine(new EventJson(e.Kind == TokenEventKind.Inserted ? "inserted" : "removed", CertificateJson.Iso(e.At), TokenJson.From(e.Token)));
                    }
                    else
                    {
                        string template = e.Kind == TokenEventKind.Inserted ? Messages.EventInserted : Messages.EventRemoved;
                        Output.Line(ErrorReporter.Format(template, e.Token.Label, e.Token.Serial));
                    }
                }
            }
            finally
            {
                events.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return ExitCodes.Ok;
        })));
        return command;
    }
}
