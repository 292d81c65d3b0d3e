using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Tokens.Modules;
using Spectre.Console;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi modules</c>: which PKCS#11 modules were found, which are used, and why others are not.</summary>
internal static class ModulesCommand
{
    public static Command Create()
    {
        Option<bool> json = GlobalOptions.Json();
        var command = new Command("modules", Messages.CmdModules) { json };
        command.SetAction(parse => Cli.Run(parse, ctx =>
        {
            var rows = ctx.Modules.Candidates.Select(c =>
            {
                Pkcs11Module? module = ctx.Modules.Modules.FirstOrDefault(m => m.Path == Path.GetFullPath(c.Path));
                string? library = null;
                int? tokens = null;
                if (module is not null && c.Status == ModuleStatus.Used)
                {
                    var info = module.GetInfo();
                    library = $"{info.ManufacturerId} {info.LibraryDescription} {info.LibraryVersion}".Trim();
                    tokens = module.GetSlots(tokenPresent: true).Count;
                }

                return new ModuleJson(c.Path, c.Vendor, Camel(c.Source.ToString()), Camel(c.Status.ToString()), c.Detail, library, tokens);
            }).ToArray();

            if (parse.GetValue(json))
            {
                Output.Json(rows);
                return ExitCodes.Ok;
            }

            var table = Tables.Create(Messages.ColStatus, Messages.ColVendor, Messages.ColPath, Messages.ColDetail);
            foreach (ModuleJson r in rows)
            {
                string status = r.Status switch
                {
                    "used" => Messages.ModuleUsed,
                    "notInstalled" => Messages.ModuleNotInstalled,
                    "failed" => Messages.ModuleFailed,
                    "overridden" => Messages.ModuleOverridden,
                    _ => Messages.ModuleDuplicate,
                };
                string detail = r.Library is not null ? ErrorReporter.Format(Messages.ModuleDetailUsed, r.Library, r.Tokens ?? 0) : r.Detail;
                table.AddRow(Markup.Escape(status), Markup.Escape(r.Vendor), Markup.Escape(r.Path), Markup.Escape(detail));
            }

            Output.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
