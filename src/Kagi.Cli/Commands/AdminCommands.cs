using System.CommandLine;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Tokens;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;
using Spectre.Console;

namespace Kagi.Cli.Commands;

/// <summary>
/// <c>kagi admin …</c>: the CA operator's commands. They call the server's operator API with an API key
/// (KAGI_API_KEY, or the first line of standard input with --api-key-stdin); <c>admin token distribute</c> also
/// prepares the token attached to the operator's machine.
/// </summary>
internal static class AdminCommands
{
    private static readonly Option<string?> Server = new("--server") { Description = Messages.OptServer, Recursive = true, HelpName = "URL" };
    private static readonly Option<string?> ServerCa = new("--server-ca") { Description = Messages.OptServerCa, Recursive = true, HelpName = "FILE" };
    private static readonly Option<bool> ApiKeyStdin = new("--api-key-stdin") { Description = Messages.OptApiKeyStdin, Recursive = true };

    public static Command Create()
    {
        var admin = new Command("admin", Messages.CmdAdmin) { Server, ServerCa, ApiKeyStdin };
        admin.Subcommands.Add(Users());
        admin.Subcommands.Add(Tokens());
        admin.Subcommands.Add(Certificates());
        admin.Subcommands.Add(Audit());
        admin.Subcommands.Add(Authorities());
        return admin;
    }

    private static Command Users()
    {
        Option<string> id = new("--employee-id") { Required = true, Description = Messages.OptEmployeeId };
        Option<string> name = new("--name") { Required = true, Description = Messages.OptRomanizedName };
        Option<string?> kanji = new("--kanji-name") { Description = Messages.OptKanjiName };
        Option<string> email = new("--email") { Required = true, Description = Messages.OptEmail };
        Option<string?> org = new("--organization") { Description = Messages.OptOrganization };
        var add = new Command("add", Messages.CmdAdminUserAdd) { id, name, kanji, email, org };
        add.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            UserDto user = await api.CreateUserAsync(new UserDto(parse.GetValue(id)!, parse.GetValue(name)!, parse.GetValue(kanji), parse.GetValue(email)!, parse.GetValue(org)), ct);
            Output.Json(user);
            return ExitCodes.Ok;
        }));

        Argument<FileInfo> file = new("file") { Description = Messages.ArgCsvFile };
        var import = new Command("import", Messages.CmdAdminImport) { file };
        import.SetAction((parse, ct) => Api(parse, async (api, _) => Report(await api.ImportUsersAsync(File.ReadAllBytes(parse.GetValue(file)!.FullName), ct))));
        return new Command("user", Messages.CmdAdminUser) { add, import };
    }

    private static Command Tokens()
    {
        var list = new Command("list", Messages.CmdAdminTokenList);
        list.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.ListTokensAsync(ct));
            return ExitCodes.Ok;
        }));

        Argument<FileInfo> file = new("file") { Description = Messages.ArgCsvFile };
        var import = new Command("import", Messages.CmdAdminImport) { file };
        import.SetAction((parse, ct) => Api(parse, async (api, _) => Report(await api.ImportTokensAsync(File.ReadAllBytes(parse.GetValue(file)!.FullName), ct))));

        Argument<string> serial = new("serial") { Description = Messages.ArgTokenSerial };
        Option<string> employee = new("--employee-id") { Required = true, Description = Messages.OptEmployeeId };
        var assign = new Command("assign", Messages.CmdAdminAssign) { serial, employee };
        assign.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.AssignAsync(parse.GetValue(serial)!, parse.GetValue(employee)!, ct));
            return ExitCodes.Ok;
        }));

        Argument<string> pinSerial = new("serial") { Description = Messages.ArgTokenSerial };
        var storagePin = new Command("storage-pin", Messages.CmdAdminStoragePin) { pinSerial };
        storagePin.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.IssueStoragePinAsync(parse.GetValue(pinSerial)!, ct));
            return ExitCodes.Ok;
        }));

        Argument<string> stateSerial = new("serial") { Description = Messages.ArgTokenSerial };
        Argument<string> state = new("state") { Description = Messages.ArgTokenState };
        state.AcceptOnlyFromAmong("inStock", "assigned", "active", "suspended", "lost", "damaged", "terminated");
        var setState = new Command("state", Messages.CmdAdminTokenState) { stateSerial, state };
        setState.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.SetTokenStateAsync(parse.GetValue(stateSerial)!, parse.GetValue(state)!, ct));
            return ExitCodes.Ok;
        }));

        return new Command("token", Messages.CmdAdminToken) { list, import, assign, Distribute(), storagePin, setState };
    }

    private static Command Distribute()
    {
        Option<string> label = new("--label") { Description = Messages.OptTokenLabel, DefaultValueFactory = _ => "Kagi" };
        Option<bool> soPinStdin = new("--so-pin-stdin") { Description = Messages.OptSoPinStdin };
        Option<string> keyType = new("--key-type") { Description = Messages.OptDistributionKeyType, DefaultValueFactory = _ => "ec-p256" };
        keyType.AcceptOnlyFromAmong("ec-p256", "rsa-2048");
        var distribute = new Command("distribute", Messages.CmdAdminDistribute) { label, soPinStdin, keyType };
        distribute.SetAction((parse, ct) => Api(parse, async (api, reader) =>
        {
            using var context = new CliContext(parse);
            Slot slot = SelectSlotForDistribution(context);
            bool initialized = (slot.GetTokenInfo().Flags & Pkcs11.Interop.CKF.CKF_TOKEN_INITIALIZED) != 0;
            using PinBuffer? currentSo = initialized ? reader.Read(Messages.PromptCurrentSoPin) : null;
            KeySpec spec = parse.GetValue(keyType) == "rsa-2048" ? KeySpec.Rsa2048 : KeySpec.EcP256;
            using DistributionResult result = TokenDistributor.Distribute(slot, parse.GetValue(label)!, currentSo, spec);
            TokenDto token = await api.RegisterDistributionAsync(result.Serial, new DistributionRequest(
                result.Manufacturer, result.Model, Convert.ToBase64String(result.DistributionPublicKey),
                System.Text.Encoding.UTF8.GetString(result.SoPin.Bytes), System.Text.Encoding.UTF8.GetString(result.TransportPin.Bytes)), ct);
            Output.Json(token);
            return ExitCodes.Ok;
        }));
        return distribute;
    }

    private static Slot SelectSlotForDistribution(CliContext context)
    {
        // A serial picks an initialized token; otherwise the only token (initialized or not) in the configured module.
        if (context.Settings.TokenSerial is not null)
        {
            return context.SelectToken().Slot;
        }

        Slot[] slots = context.Modules.Modules.SelectMany(m => m.GetSlots(tokenPresent: true)).ToArray();
        return slots.Length switch
        {
            0 => throw new KagiException(KagiError.NoToken),
            1 => slots[0],
            _ => slots.Count(s => (s.GetTokenInfo().Flags & Pkcs11.Interop.CKF.CKF_TOKEN_INITIALIZED) == 0) == 1 && slots.Length == 2 && IsSoftHsmSpare(slots)
                ? slots.Single(s => (s.GetTokenInfo().Flags & Pkcs11.Interop.CKF.CKF_TOKEN_INITIALIZED) == 0)
                : throw new KagiException(KagiError.SeveralTokens, slots.Select(s => $"{s.GetTokenInfo().SerialNumber} ({s.GetTokenInfo().Label})").ToArray()),
        };
    }

    // SoftHSM2 always shows one empty slot next to its tokens; with one token and that spare slot, the spare is meant.
    private static bool IsSoftHsmSpare(Slot[] slots) => slots.All(s => s.GetSlotInfo().SlotDescription.StartsWith("SoftHSM", StringComparison.Ordinal));

    private static Command Certificates()
    {
        Argument<string> serial = new("serial") { Description = Messages.ArgCertificateSerial };
        Option<string> reason = new("--reason") { Description = Messages.OptRevocationReason, DefaultValueFactory = _ => "unspecified" };
        reason.AcceptOnlyFromAmong("unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold");
        var revoke = new Command("revoke", Messages.CmdAdminRevoke) { serial, reason };
        revoke.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            await api.RevokeAsync(parse.GetValue(serial)!, parse.GetValue(reason)!, ct);
            Output.Line(ErrorReporter.Format(Messages.Revoked, parse.GetValue(serial)!));
            return ExitCodes.Ok;
        }));
        var list = new Command("list", Messages.CmdAdminAssignments);
        list.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.ListAssignmentsAsync(ct));
            return ExitCodes.Ok;
        }));
        Argument<string> certificateId = new("certificate-id") { Description = Messages.ArgCertificateId };
        var reopen = new Command("reopen", Messages.CmdAdminReopen) { certificateId };
        reopen.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.ReopenOrderAsync(parse.GetValue(certificateId)!, ct));
            return ExitCodes.Ok;
        }));
        return new Command("cert", Messages.CmdAdminCert) { revoke, list, reopen };
    }

    private static Command Audit()
    {
        var verify = new Command("verify", Messages.CmdAdminAuditVerify);
        verify.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            AuditVerificationDto result = await api.VerifyAuditAsync(ct);
            Output.Json(result);
            return result.Ok ? ExitCodes.Ok : ExitCodes.TokenError;
        }));
        return new Command("audit", Messages.CmdAdminAudit) { verify };
    }

    private static Command Authorities()
    {
        var list = new Command("list", Messages.CmdAdminCaList);
        list.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.ListCasAsync(ct));
            return ExitCodes.Ok;
        }));

        Option<string?> keyType = new("--key-type") { Description = Messages.OptCaKeyType };
        keyType.AcceptOnlyFromAmong("ecP256", "ecP384", "rsa3072", "rsa4096");
        Option<int?> years = new("--validity-years") { Description = Messages.OptCaValidityYears };
        Option<string?> subject = new("--subject") { Description = Messages.OptCaSubject, HelpName = "DN" };
        var rollover = new Command("rollover", Messages.CmdAdminCaRollover) { keyType, years, subject };
        rollover.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.RolloverCaAsync(new CaRolloverRequest(parse.GetValue(keyType), parse.GetValue(years), parse.GetValue(subject)), ct));
            return ExitCodes.Ok;
        }));

        var publish = new Command("publish-crl", Messages.CmdAdminCaPublishCrl);
        publish.SetAction((parse, ct) => Api(parse, async (api, _) =>
        {
            Output.Json(await api.PublishCrlsAsync(ct));
            return ExitCodes.Ok;
        }));
        return new Command("ca", Messages.CmdAdminCa) { list, rollover, publish };
    }

    private static int Report(ImportResultDto result)
    {
        Output.Json(result);
        return result.Errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Usage;
    }

    private static Task<int> Api(ParseResult parse, Func<KagiApiClient, PinReader, Task<int>> body) => Task.Run(async () =>
    {
        try
        {
            bool stdin = parse.GetValue(ApiKeyStdin);
            var reader = new PinReader(stdin);
            string? apiKey = null;
            if (stdin)
            {
                using PinBuffer key = reader.Read(string.Empty);
                apiKey = System.Text.Encoding.UTF8.GetString(key.Bytes);
            }

            KagiApiClient api = ServerConnection.Create(parse.GetValue(Server), parse.GetValue(ServerCa), apiKey);
            return await body(api, reader).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            Output.Error(ErrorReporter.Format(Messages.ErrServer, e.Code, e.Detail));
            return e.Status is 401 or 403 ? ExitCodes.Refused : ExitCodes.ServerError;
        }
        catch (HttpRequestException e)
        {
            Output.Error(ErrorReporter.Format(Messages.ErrServerUnreachable, e.Message));
            return ExitCodes.ServerError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ErrorReporter.Report(e);
        }
    });
}
