using System.CommandLine;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Infrastructure;

/// <summary>What a command needs from the command line: settings, and the modules and tokens they lead to.</summary>
internal sealed class CliContext : IDisposable
{
    private ModuleSet? _modules;

    public CliContext(ParseResult parse)
    {
        Parse = parse;
        Settings = KagiSettings.Resolve(parse.GetValue(GlobalOptions.Module), parse.GetValue(GlobalOptions.Token), parse.GetValue(GlobalOptions.Lang));
    }

    public ParseResult Parse { get; }

    public KagiSettings Settings { get; }

    /// <summary>The modules (opened on first use).</summary>
    public ModuleSet Modules => _modules ??= ModuleSet.Open(Settings);

    /// <summary>The token directory over <see cref="Modules"/>.</summary>
    public TokenDirectory Tokens => new(Modules);

    /// <summary>The token to operate on: --token SERIAL, or the only one attached.</summary>
    public AttachedToken SelectToken() => Tokens.Select(Settings.TokenSerial);

    public void Dispose() => _modules?.Dispose();
}
