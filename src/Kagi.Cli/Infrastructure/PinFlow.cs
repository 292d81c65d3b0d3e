using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Tokens.Tokens;
using Spectre.Console;

namespace Kagi.Cli.Infrastructure;

/// <summary>The user-PIN steps shared by commands: refuse on a locked token, confirm a final try, verify, report.</summary>
internal static class PinFlow
{
    /// <summary>
    /// Checks the PIN state before a login: a locked token stops here; a final try needs --yes or an interactive yes.
    /// </summary>
    /// <returns>null to go on, or the exit code to stop with.</returns>
    public static int? BeforeLogin(AttachedToken token, bool yes, bool interactive)
    {
        PinState state = token.Refresh().PinState;
        if (state == PinState.Locked)
        {
            Output.Error(Messages.AdviceLocked);
            return ExitCodes.PinLocked;
        }

        if (state == PinState.FinalTry && !yes)
        {
            Output.Error(Messages.AdviceFinalTry);
            if (!interactive || !AnsiConsole.Confirm(Messages.ConfirmFinalTry, defaultValue: false))
            {
                Output.Error(Messages.FinalTryNotConfirmed);
                return ExitCodes.Refused;
            }
        }

        return null;
    }

    /// <summary>Reads the PIN and logs in; on failure prints the outcome and the PIN state.</summary>
    /// <returns>The login result and, when it failed, the exit code.</returns>
    public static (LoginResult Result, int? Exit) Login(TokenSession session, PinReader reader)
    {
        LoginResult result;
        using (PinBuffer pin = reader.Read(Messages.PromptUserPin))
        {
            result = session.TryLogin(pin);
        }

        return (result, ReportFailure(result));
    }

    /// <summary>Prints that the token refused the PIN, its PIN state now, and what that state means for the user.</summary>
    public static void ReportWrongPin(PinState state)
    {
        Output.Error(Messages.ErrWrongPin);
        string advice = Describe.PinAdvice(state);
        Output.Error(ErrorReporter.Format(Messages.PinStateNow, Describe.PinState(state)) + (advice.Length > 0 ? " " + advice : string.Empty));
    }

    /// <summary>Prints why a login failed; null when it succeeded.</summary>
    public static int? ReportFailure(LoginResult result)
    {
        switch (result.Outcome)
        {
            case LoginOutcome.WrongPin:
                ReportWrongPin(result.PinState);
                return ExitCodes.WrongPin;
            case LoginOutcome.Locked:
                Output.Error(Messages.AdviceLocked);
                return ExitCodes.PinLocked;
            default:
                return null;
        }
    }
}
