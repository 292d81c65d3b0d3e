using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Tokens;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Tokens;
using Spectre.Console;

namespace Kagi.Cli.Commands;

/// <summary><c>kagi certs</c>, <c>kagi cert show</c> and <c>kagi cert export</c>.</summary>
internal static class CertificateCommands
{
    public static Command CreateList()
    {
        Option<bool> json = GlobalOptions.Json();
        Option<bool> login = new("--login") { Description = Messages.OptLoginForKeys };
        Option<bool> pinStdin = GlobalOptions.PinStdin();
        Option<bool> yes = GlobalOptions.Yes();
        var command = new Command("certs", Messages.CmdCerts) { json, login, pinStdin, yes };
        command.SetAction(parse => Cli.Run(parse, ctx =>
        {
            int? exit = Read(ctx, parse.GetValue(login), parse.GetValue(pinStdin), parse.GetValue(yes), out IReadOnlyList<TokenCertificate> certificates);
            if (exit is not null)
            {
                return exit.Value;
            }

            if (parse.GetValue(json))
            {
                Output.Json(certificates.Select(CertificateJson.From).ToArray());
                return ExitCodes.Ok;
            }

            if (certificates.Count == 0)
            {
                Output.Line(Messages.NoCertificates);
                return ExitCodes.Ok;
            }

            var table = Tables.Create(Messages.ColCertificateId, Messages.ColSerialNumber, Messages.ColSubject, Messages.ColNotAfter, Messages.ColKey, Messages.ColPrivateKey);
            foreach (TokenCertificate c in certificates)
            {
                table.AddRow(
                    Markup.Escape(c.CertificateId), Markup.Escape(c.SerialNumber), Markup.Escape(c.Subject),
                    Markup.Escape(c.NotAfter.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.CurrentCulture)),
                    Markup.Escape($"{c.KeyAlgorithm} {c.Curve ?? c.KeySize.ToString(System.Globalization.CultureInfo.InvariantCulture)}"),
                    Markup.Escape(c.HasPrivateKey switch { true => Messages.Yes, false => Messages.No, _ => Messages.UnknownLoginToCheck }));
            }

            Output.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command CreateCert()
    {
        var cert = new Command("cert", Messages.CmdCert);
        cert.Subcommands.Add(CreateShow());
        cert.Subcommands.Add(CreateExport());
        return cert;
    }

    private static Command CreateShow()
    {
        Option<bool> json = GlobalOptions.Json();
        Argument<string> id = new("id") { Description = Messages.ArgCertificate };
        var show = new Command("show", Messages.CmdCertShow) { id, json };
        show.SetAction(parse => Cli.Run(parse, ctx =>
        {
            Read(ctx, false, false, false, out IReadOnlyList<TokenCertificate> certificates);
            TokenCertificate c = CertificateReader.Find(certificates, parse.GetValue(id)!);
            if (parse.GetValue(json))
            {
                Output.Json(CertificateJson.From(c));
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string value) => grid.AddRow(Markup.Escape(name), Markup.Escape(value));
            string Local(DateTimeOffset t) => $"{CertificateJson.Iso(t)} ({t.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz})";
            Row(Messages.ColCertificateId, c.CertificateId);
            Row(Messages.ColSerialNumber, c.SerialNumber);
            Row(Messages.ColSubject, c.Subject);
            Row(Messages.ColIssuer, c.Issuer);
            Row(Messages.ColNotBefore, Local(c.NotBefore));
            Row(Messages.ColNotAfter, Local(c.NotAfter));
            Row(Messages.ColDaysLeft, c.DaysUntilExpiry.ToString(System.Globalization.CultureInfo.CurrentCulture));
            Row(Messages.ColKey, $"{c.KeyAlgorithm} {c.KeySize} {c.Curve}".Trim());
            Row(Messages.ColKeyUsage, string.Join(", ", c.KeyUsages));
            Row(Messages.ColExtendedKeyUsage, string.Join(", ", c.ExtendedKeyUsages));
            Row("SHA-1", Colons(c.Sha1));
            Row("SHA-256", Colons(c.Sha256));
            Row(Messages.ColLabel, c.Label);
            Row("CKA_ID", c.Id);
            Row(Messages.ColPrivateKey, c.HasPrivateKey switch { true => Messages.Yes, false => Messages.No, _ => Messages.UnknownLoginToCheck });
            Output.Console.Write(grid);
            return ExitCodes.Ok;
        }));
        return show;
    }

    private static Command CreateExport()
    {
        Argument<string> id = new("id") { Description = Messages.ArgCertificate };
        Option<FileInfo> output = new("--out", "-o") { Description = Messages.OptOut, Required = true, HelpName = "FILE" };
        Option<string> format = new("--format") { Description = Messages.OptFormat, DefaultValueFactory = _ => "pem" };
        format.AcceptOnlyFromAmong("der", "pem");
        Option<bool> chain = new("--chain") { Description = Messages.OptChain };
        Option<bool> force = new("--force") { Description = Messages.OptForce };
        Option<bool> privateKey = new("--private-key") { Description = Messages.OptPrivateKey };
        var export = new Command("export", Messages.CmdCertExport) { id, output, format, chain, force, privateKey };
        export.SetAction(parse => Cli.Run(parse, ctx =>
        {
            if (parse.GetValue(privateKey))
            {
                CertificateExporter.RefusePrivateKeyExport();
            }

            ExportFormat fmt = parse.GetValue(format) == "der" ? ExportFormat.Der : ExportFormat.Pem;
            if (fmt == ExportFormat.Der && parse.GetValue(chain))
            {
                Output.Error(Messages.ErrDerChain);
                return ExitCodes.Usage;
            }

            FileInfo file = parse.GetValue(output)!;
            if (file.Exists && !parse.GetValue(force))
            {
                throw new KagiException(KagiError.OutputExists, [file.FullName]);
            }

            Read(ctx, false, false, false, out IReadOnlyList<TokenCertificate> certificates);
            TokenCertificate c = CertificateReader.Find(certificates, parse.GetValue(id)!);
            byte[] bytes = CertificateExporter.Export(c, fmt, parse.GetValue(chain), certificates);

            // Write to a temporary file beside the target, then move: an interrupted export leaves no partial file.
            string temporary = Path.Combine(file.DirectoryName ?? ".", $".{file.Name}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, file.FullName, overwrite: parse.GetValue(force));
            Output.Line(ErrorReporter.Format(Messages.Exported, c.SerialNumber, file.FullName));
            return ExitCodes.Ok;
        }));
        return export;
    }

    private static int? Read(CliContext ctx, bool login, bool pinStdin, bool yes, out IReadOnlyList<TokenCertificate> certificates)
    {
        certificates = [];
        AttachedToken token = ctx.SelectToken();
        using TokenSession session = TokenSession.Open(token);
        if (login)
        {
            int? stop = PinFlow.BeforeLogin(token, yes, !pinStdin && !Console.IsInputRedirected);
            if (stop is not null)
            {
                return stop;
            }

            (_, int? exit) = PinFlow.Login(session, new PinReader(pinStdin));
            if (exit is not null)
            {
                return exit;
            }
        }

        certificates = CertificateReader.Read(session);
        return null;
    }

    private static string Colons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
}
