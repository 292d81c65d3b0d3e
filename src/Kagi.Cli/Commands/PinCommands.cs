using System.CommandLine;
using System.Text;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi login</c>, <c>kagi pin change</c> and <c>kagi pin strength</c>.</summary>
internal static class PinCommands
{
    public static Command CreateLogin()
    {
        Option<bool> json = GlobalOptions.Json();
        Option<bool> pinStdin = GlobalOptions.PinStdin();
        Option<bool> yes = GlobalOptions.Yes();
        var command = new Command("login", Messages.CmdLogin) { pinStdin, yes, json };
        command.SetAction(parse => Cli.Run(parse, ctx =>
        {
            AttachedToken token = ctx.SelectToken();
            int? stop = PinFlow.BeforeLogin(token, parse.GetValue(yes), !parse.GetValue(pinStdin) && !Console.IsInputRedirected);
            if (stop is not null)
            {
                return stop.Value;
            }

            using TokenSession session = TokenSession.Open(token);
            (LoginResult result, int? exit) = PinFlow.Login(session, new PinReader(parse.GetValue(pinStdin)));
            if (parse.GetValue(json))
            {
                Output.Json(new PinResultJson(token.Info.Serial, Camel(result.Outcome.ToString()), result.PinState, []));
            }
            else if (exit is null)
            {
                Output.Line(result.Outcome == LoginOutcome.PinExpired ? Messages.AdviceMustChange : Messages.LoginOk);
            }

            return exit ?? ExitCodes.Ok;
        }));
        return command;
    }

    public static Command CreatePin()
    {
        var pin = new Command("pin", Messages.CmdPin);
        pin.Subcommands.Add(CreateChange());
        pin.Subcommands.Add(CreateStrength());
        return pin;
    }

    private static Command CreateChange()
    {
        Option<bool> json = GlobalOptions.Json();
        Option<bool> pinStdin = GlobalOptions.PinStdin();
        Option<bool> yes = GlobalOptions.Yes();
        Option<string[]> names = new("--name") { Description = Messages.OptName, AllowMultipleArgumentsPerToken = true };
        var command = new Command("change", Messages.CmdPinChange) { pinStdin, yes, names, json };
        command.SetAction(parse => Cli.Run(parse, ctx =>
        {
            AttachedToken token = ctx.SelectToken();
            bool interactive = !parse.GetValue(pinStdin) && !Console.IsInputRedirected;
            int? stop = PinFlow.BeforeLogin(token, parse.GetValue(yes), interactive);
            if (stop is not null)
            {
                return stop.Value;
            }

            return ChangeUserPin(token, new PinReader(parse.GetValue(pinStdin)), parse.GetValue(names) ?? [], parse.GetValue(json));
        }));
        return command;
    }

    /// <summary>
    /// Reads current, new and confirmation PIN from <paramref name="reader"/> and changes the user PIN; prints the
    /// outcome. A refused new PIN ends the command (exit 8).
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="reader">Where the PINs come from.</param>
    /// <param name="names">Names given with --name; the holder's names on the token (<see cref="TokenHolderNames"/>) are added.</param>
    /// <param name="json">Print the outcome as JSON.</param>
    /// <returns>The exit code.</returns>
    internal static int ChangeUserPin(AttachedToken token, PinReader reader, string[] names, bool json) =>
        ChangeUserPin(token, reader.Read, names, json, askAgain: false);

    /// <summary>
    /// Changes the user PIN with the same strength rules as certificate storage: the holder's names are taken from the
    /// token (<see cref="TokenHolderNames"/>) besides <paramref name="names"/>. With <paramref name="askAgain"/> (the
    /// interactive wizard) a new PIN refused by the rules or by the token is explained and asked for again; otherwise the
    /// command ends with exit 8.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="read">Reads one PIN for a prompt (the wizard's reader handles cancel).</param>
    /// <param name="names">Further names of the holder.</param>
    /// <param name="json">Print the outcome as JSON.</param>
    /// <param name="askAgain">Ask again after a refused new PIN (and show the wizard's prompts).</param>
    /// <returns>The exit code.</returns>
    internal static int ChangeUserPin(AttachedToken token, Func<string, PinBuffer> read, string[] names, bool json, bool askAgain)
    {
        string[] holder = [.. names, .. TokenHolderNames.Read(token)];
        var changer = new PinChanger(new PinPolicyValidator(), new PinStrengthEvaluator(new PinStrengthOptions { Names = holder }));
        using PinBuffer current = read(askAgain ? Messages.WizardPromptCurrentPin : Messages.PromptCurrentPin);
        while (true)
        {
            PinChangeResult result;
            using (PinBuffer next = read(askAgain ? Messages.WizardPromptNewPin : Messages.PromptNewPin))
            using (PinBuffer confirm = read(askAgain ? Messages.WizardPromptConfirmPin : Messages.PromptConfirmPin))
            {
                result = changer.Change(token, current, next, confirm);
            }

            var problems = new List<string>();
            problems.AddRange(result.Policy.Violations.Select(v => Describe.Violation(v, result.Policy)));
            if (result.Outcome == PinChangeOutcome.TooWeak)
            {
                problems.AddRange(result.Strength!.RefusalReasons.Select(Describe.Weakness));
            }

            if (askAgain && result.Outcome is PinChangeOutcome.PolicyViolation or PinChangeOutcome.TooWeak or PinChangeOutcome.RejectedByToken)
            {
                // Nothing changed; the current PIN stays as entered and only the new one is asked for again.
                Output.Error(result.Outcome == PinChangeOutcome.RejectedByToken
                    ? ErrorReporter.Format(Messages.ErrTokenRejectedPin, result.TokenResult?.ToString() ?? string.Empty)
                    : Messages.ErrNewPinRejected);
                problems.ForEach(p => Output.Error("  " + p));
                continue;
            }

            PinState state = result.Login?.PinState ?? token.Refresh().PinState;
            if (json)
            {
                Output.Json(new PinResultJson(token.Info.Serial, Camel(result.Outcome.ToString()), state, problems));
            }

            switch (result.Outcome)
            {
                case PinChangeOutcome.Changed:
                    if (!json)
                    {
                        Output.Line(Messages.PinChanged);
                    }

                    return ExitCodes.Ok;
                case PinChangeOutcome.PolicyViolation or PinChangeOutcome.TooWeak:
                    Output.Error(Messages.ErrNewPinRejected);
                    problems.ForEach(p => Output.Error("  " + p));
                    return ExitCodes.PinRejected;
                case PinChangeOutcome.RejectedByToken:
                    Output.Error(ErrorReporter.Format(Messages.ErrTokenRejectedPin, result.TokenResult?.ToString() ?? string.Empty));
                    return ExitCodes.PinRejected;
                default:
                    return PinFlow.ReportFailure(result.Login!) ?? ExitCodes.WrongPin;
            }
        }
    }

    private static Command CreateStrength()
    {
        Option<bool> json = GlobalOptions.Json();
        Option<bool> pinStdin = GlobalOptions.PinStdin();
        Option<string[]> names = new("--name") { Description = Messages.OptName, AllowMultipleArgumentsPerToken = true };
        var command = new Command("strength", Messages.CmdPinStrength) { pinStdin, names, json };
        command.SetAction(parse => Cli.Run(parse, _ =>
        {
            using PinBuffer pin = new PinReader(parse.GetValue(pinStdin)).Read(Messages.PromptNewPin);
            Span<char> chars = stackalloc char[pin.Length];
            try
            {
                chars = chars[..Encoding.UTF8.GetChars(pin.Bytes, chars)];
                PinPolicyResult policy = new PinPolicyValidator().Validate(chars, chars);
                PinStrengthResult strength = new PinStrengthEvaluator(new PinStrengthOptions { Names = parse.GetValue(names) ?? [] }).Evaluate(chars);
                string[] violations = policy.Violations.Select(v => Describe.Violation(v, policy)).ToArray();
                string[] reasons = strength.Reasons.Select(Describe.Weakness).ToArray();
                if (parse.GetValue(json))
                {
                    Output.Json(new StrengthJson(Camel(strength.Level.ToString()), strength.IsRefused || !policy.IsValid, reasons, violations));
                }
                else
                {
                    Output.Line(ErrorReporter.Format(Messages.StrengthIs, Describe.Level(strength.Level)));
                    foreach (string line in violations.Concat(reasons))
                    {
                        Output.Line("  - " + line);
                    }

                    if (strength.IsRefused || !policy.IsValid)
                    {
                        Output.Line(Messages.StrengthRefused);
                    }
                }

                return strength.IsRefused || !policy.IsValid ? ExitCodes.PinRejected : ExitCodes.Ok;
            }
            finally
            {
                chars.Clear();
            }
        }));
        return command;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
