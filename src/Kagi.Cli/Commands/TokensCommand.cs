using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Tokens.Tokens;
using Spectre.Console;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi tokens</c> and <c>kagi token show</c>.</summary>
internal static class TokensCommand
{
    public static Command CreateList()
    {
        Option<bool> json = GlobalOptions.Json();
        var command = new Command("tokens", Messages.CmdTokens) { json };
        command.SetAction(parse => Cli.Run(parse, ctx =>
        {
            IReadOnlyList<AttachedToken> tokens = ctx.Tokens.List();
            if (parse.GetValue(json))
            {
                Output.Json(tokens.Select(t => TokenJson.From(t.Info)).ToArray());
                return ExitCodes.Ok;
            }

            if (tokens.Count == 0)
            {
                Output.Line(Messages.NoTokensAttached);
                return ExitCodes.Ok;
            }

            var table = Tables.Create(Messages.ColSerial, Messages.ColLabel, Messages.ColManufacturer, Messages.ColModel, Messages.ColPinState);
            foreach (AttachedToken t in tokens)
            {
                table.AddRow(
                    Markup.Escape(t.Info.Serial), Markup.Escape(t.Info.Label), Markup.Escape(t.Info.Manufacturer),
                    Markup.Escape(t.Info.Model), Markup.Escape(Describe.PinState(t.Info.PinState)));
            }

            Output.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command CreateShow()
    {
        Option<bool> json = GlobalOptions.Json();
        var show = new Command("show", Messages.CmdTokenShow) { json };
        show.SetAction(parse => Cli.Run(parse, ctx =>
        {
            TokenInfo t = ctx.SelectToken().Info;
            if (parse.GetValue(json))
            {
                Output.Json(TokenJson.From(t));
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string value) => grid.AddRow(Markup.Escape(name), Markup.Escape(value));
            Row(Messages.ColLabel, t.Label);
            Row(Messages.ColSerial, t.Serial);
            Row(Messages.ColManufacturer, t.Manufacturer);
            Row(Messages.ColModel, t.Model);
            Row(Messages.ColFirmware, t.FirmwareVersion);
            Row(Messages.ColHardware, t.HardwareVersion);
            Row(Messages.ColPinLength, $"{t.MinPinLength}–{t.MaxPinLength}");
            Row(Messages.ColPinState, Describe.PinState(t.PinState));
            Row(Messages.ColFlags, string.Join(", ", t.FlagNames));
            Row(Messages.ColModule, t.ModulePath);
            Output.Console.Write(grid);
            string advice = Describe.PinAdvice(t.PinState);
            if (advice.Length > 0)
            {
                Output.Line(advice);
            }

            return ExitCodes.Ok;
        }));
        var token = new Command("token", Messages.CmdToken) { show };
        return token;
    }
}
