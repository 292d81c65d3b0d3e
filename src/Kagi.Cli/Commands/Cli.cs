using System.CommandLine;
using Kagi.Cli.Infrastructure;

namespace Kagi.Cli.Commands;

/// <summary>Runs a command body with the shared context and error reporting.</summary>
internal static class Cli
{
    public static int Run(ParseResult parse, Func<CliContext, int> body)
    {
        try
        {
            using var context = new CliContext(parse);
            return body(context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e);
        }
    }
}
