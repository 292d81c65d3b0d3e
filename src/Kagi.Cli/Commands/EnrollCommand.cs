using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Resources;

namespace Kagi.Cli.Commands;

/// <summary>
/// <c>kagi enroll</c> and <c>kagi wizard</c>: the certificate storage software in the terminal. Interactively it
/// starts with the function selection (store a certificate / change the user PIN) and offers cancel at every step;
/// unattended (<c>--storage-pin-stdin</c>, <c>--new-pin-stdin</c>, <c>--yes</c>) it stores the certificate with
/// every answer from options and standard input. See <see cref="EnrollRun"/>.
/// </summary>
internal static class EnrollCommand
{
    public static Command Create() => Build("enroll", Messages.CmdEnroll);

    public static Command CreateWizard() => Build("wizard", Messages.CmdWizard);

    private static Command Build(string name, string description)
    {
        var options = new EnrollOptions();
        var command = new Command(name, description)
        {
            options.Server, options.ServerCa, options.Yes, options.StoragePinStdin, options.NewPinStdin, options.PinsStdin, options.Json,
        };
        command.SetAction((parse, ct) => Task.Run(() => new EnrollRun(parse, options).RunAsync(ct), ct));
        return command;
    }
}

/// <summary>The options of <c>kagi enroll</c>.</summary>
internal sealed class EnrollOptions
{
    public Option<string?> Server { get; } = new("--server") { Description = Messages.OptServer, HelpName = "URL" };

    public Option<string?> ServerCa { get; } = new("--server-ca") { Description = Messages.OptServerCa, HelpName = "FILE" };

    public Option<bool> Yes { get; } = GlobalOptions.Yes();

    public Option<bool> StoragePinStdin { get; } = new("--storage-pin-stdin") { Description = Messages.OptEnrollStoragePinStdin };

    public Option<bool> NewPinStdin { get; } = new("--new-pin-stdin") { Description = Messages.OptEnrollNewPinStdin };

    public Option<bool> PinsStdin { get; } = new("--pins-stdin") { Description = Messages.OptEnrollPinsStdin };

    public Option<bool> Json { get; } = GlobalOptions.Json();
}
