using System.CommandLine;
using Kagi.Cli.Commands;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Resources;

Language.Apply(args);

var root = new RootCommand(Messages.CmdRoot)
{
    GlobalOptions.Module,
    GlobalOptions.Token,
    GlobalOptions.Lang,
};
root.Subcommands.Add(ModulesCommand.Create());
root.Subcommands.Add(TokensCommand.CreateList());
root.Subcommands.Add(TokensCommand.CreateShow());
root.Subcommands.Add(CertificateCommands.CreateList());
root.Subcommands.Add(CertificateCommands.CreateCert());
root.Subcommands.Add(PinCommands.CreateLogin());
root.Subcommands.Add(PinCommands.CreatePin());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(AdminCommands.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(AgentCommand.Create());

ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Output.Error(error.Message);
    }

    Output.Error(Messages.SeeHelp);
    return ExitCodes.Usage;
}

return await parse.InvokeAsync();

/// <summary>The CLI entry point stays internal: referencing ASP.NET Core (through the agent) would otherwise make it public and clash with kagi-server's <c>Program</c> in test projects that reference both.</summary>
internal partial class Program;
