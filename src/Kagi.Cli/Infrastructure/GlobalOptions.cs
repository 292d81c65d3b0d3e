using System.CommandLine;
using Kagi.Cli.Resources;

namespace Kagi.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Module = new("--module") { Description = Messages.OptModule, Recursive = true, HelpName = "PATH" };
    public static readonly Option<string?> Token = new("--token") { Description = Messages.OptToken, Recursive = true, HelpName = "SERIAL" };
    public static readonly Option<string?> Lang = new("--lang") { Description = Messages.OptLang, Recursive = true, HelpName = "ja|en" };

    static GlobalOptions()
    {
        Lang.AcceptOnlyFromAmong("ja", "en");
    }

    /// <summary>--json, for read commands.</summary>
    public static Option<bool> Json() => new("--json") { Description = Messages.OptJson };

    /// <summary>--pin-stdin, for commands that ask for PINs.</summary>
    public static Option<bool> PinStdin() => new("--pin-stdin") { Description = Messages.OptPinStdin };

    /// <summary>--yes: answer confirmations (such as a final PIN try) with yes.</summary>
    public static Option<bool> Yes() => new("--yes", "-y") { Description = Messages.OptYes };
}
