using System.Text.Json;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The interactive wizard (<c>kagi wizard</c> / <c>kagi enroll</c> without stdin options), driven line by line through
/// standard input exactly as a user answers its prompts: function selection, "next / cancel" at every step with a
/// confirmation, the operator contact from the server's configuration when the name is wrong, re-prompting on a
/// wrong storage PIN and a weak new PIN, the success and error screens, and the user PIN change function.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollWizardTests
{
    private const string Contact = "pki-desk@example.jp";

    /// <summary>The wizard wraps long lines on standard output; this joins them again.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public async Task The_wizard_cancels_at_every_step_after_confirming_and_then_completes_from_where_it_stopped()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Saburo Ito", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;
        KagiRun Wizard(params string[] lines) => kagi.Run(string.Join("\n", lines) + "\n", TimeSpan.FromSeconds(120), "wizard", "--lang", "en");

        // Function selection: cancel needs a confirmation ("n" keeps the wizard open, "y" quits).
        KagiRun atSelection = Wizard("x", "c", "n", "c", "y");
        Assert.Equal(11, atSelection.ExitCode);
        Assert.Contains("Store a certificate on the token", atSelection.Stdout, StringComparison.Ordinal);
        Assert.Contains("Cancelled", atSelection.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 1]", atSelection.Stdout, StringComparison.Ordinal);

        // STEP 1 cancelled.
        KagiRun atStep1 = Wizard("1", "c", "y");
        Assert.Equal(11, atStep1.ExitCode);
        Assert.Contains("[STEP 1]", atStep1.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 2]", atStep1.Stdout, StringComparison.Ordinal);

        // STEP 2: the name is not mine → cancel, and the user is told whom to contact (server configuration).
        KagiRun wrongName = Wizard("1", "", "n", "y");
        Assert.Equal(11, wrongName.ExitCode);
        Assert.Contains("Name: Saburo Ito", wrongName.Stdout, StringComparison.Ordinal);
        Assert.Contains(enrollee.Serial, wrongName.Stdout, StringComparison.Ordinal);
        Assert.Contains(Contact, wrongName.Stderr, StringComparison.Ordinal);

        // STEP 3 cancelled before the storage PIN was entered: the PIN is not spent.
        KagiRun atStep3 = Wizard("1", "", "y", "c", "y");
        Assert.Equal(11, atStep3.ExitCode);
        Assert.Contains("[STEP 3]", atStep3.Stdout, StringComparison.Ordinal);

        // STEP 4 cancelled after a wrong and then the right storage PIN (now spent).
        KagiRun atStep4 = Wizard("1", "", "y", "", "WRONG2345", enrollee.StoragePin, "c", "y");
        Assert.Equal(11, atStep4.ExitCode);
        Assert.Contains("The storage PIN is wrong. Attempts left: 4", atStep4.Stderr, StringComparison.Ordinal);
        Assert.Contains("[STEP 4]", atStep4.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 5]", atStep4.Stdout, StringComparison.Ordinal);

        // The next run skips STEP 3 (resumed), re-asks after a weak PIN and stores: the success screen.
        KagiRun done = Wizard("1", "", "y", "", "1234", "1234", CliEnrollee.NewPin, CliEnrollee.NewPin);
        Assert.True(done.ExitCode == 0, done.All);
        Assert.Contains("continuing the same order", done.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 3]", done.Stdout, StringComparison.Ordinal);
        Assert.Contains("run such as 1234", done.Stderr, StringComparison.Ordinal);
        Assert.Contains("The certificate was stored.", done.Stdout, StringComparison.Ordinal);
        Assert.Contains("Subject: ", done.Stdout, StringComparison.Ordinal);
        Assert.Contains("Valid: ", done.Stdout, StringComparison.Ordinal);
        string serialNumber = System.Text.RegularExpressions.Regex.Match(done.Stdout, "Serial number: ([0-9A-F]+)").Groups[1].Value;
        Assert.NotEmpty(serialNumber);
        foreach (string secret in new[] { enrollee.StoragePin, CliEnrollee.NewPin })
        {
            Assert.DoesNotContain(secret, atStep4.All + done.All, StringComparison.Ordinal);
        }

        await enrollee.AssertCompletedAsync(serialNumber);

        // Already stored is no failure for the user: information with the token serial instead of the error screen
        // ("storage failed"); the exit code stays 11.
        KagiRun stored = Wizard("1", "", "y");
        Assert.Equal(11, stored.ExitCode);
        Assert.Contains("A certificate is already stored on this token; there is nothing more to do.", stored.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Token serial number: {enrollee.Serial}", stored.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Certificate storage failed", stored.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Error code", stored.All, StringComparison.Ordinal);
        KagiRun storedJa = kagi.Run("1\n\n", TimeSpan.FromSeconds(120), "wizard", "--lang", "ja");
        Assert.Equal(11, storedJa.ExitCode);
        Assert.Contains("このトークンには電子証明書が格納済みです。", storedJa.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("格納に失敗しました", storedJa.All, StringComparison.Ordinal);

        // Function 2: change the user PIN (same rules; the new PIN then opens the token).
        const string changed = "k4m7p2x9";
        KagiRun change = Wizard("2", CliEnrollee.NewPin, changed, changed);
        Assert.True(change.ExitCode == 0, change.All);
        Assert.Contains("User PIN change", change.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(TokenContents.Read(kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = kagi.Hsm.ConfigPath }, changed).PrivateKeys);
    }

    [Fact]
    public async Task The_interactive_rerun_restores_a_certificate_the_token_lost_with_the_users_pin()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Goro Mori", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;
        KagiRun Enroll(params string[] lines) => kagi.Run(string.Join("\n", lines) + "\n", TimeSpan.FromSeconds(120), "enroll", "--lang", "en");

        KagiRun first = enrollee.Enroll();
        Assert.True(first.ExitCode == 0, first.All);
        string serialNumber = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("serialNumber").GetString()!;

        // The token loses the user certificate (as SoftHSM2 on a full disk does; EnrollDiskFullTests has the real thing):
        // pkcs11-tool deletes it, logged in with the PIN the run set; the key pair stays.
        string keyId = Assert.Single(enrollee.Token().Certificates, c => c.Id.Length > 0).Id;
        enrollee.Token().DeleteCertificate(keyId);
        Assert.DoesNotContain(enrollee.Token().Certificates, c => c.Id == keyId);
        Assert.Contains(enrollee.Token().PrivateKeys, k => k.Id == keyId);

        // Function 1, STEP 1; STEP 2 finds the certificate stored on the server but not on the token and explains the
        // restore. Cancelled at its prompt (with the confirmation): nothing written, no PIN asked.
        KagiRun cancelled = Enroll("1", "", "c", "y");
        Assert.True(cancelled.ExitCode == 11, cancelled.All);
        // (The wizard wraps long lines.)
        string explained = System.Text.RegularExpressions.Regex.Replace(cancelled.Stdout, @"\s+", " ");
        Assert.Contains("the token does not hold it", explained, StringComparison.Ordinal);
        Assert.Contains("no new certificate is issued", explained, StringComparison.Ordinal);
        Assert.Contains("Enter the user PIN you set for this token", explained, StringComparison.Ordinal);
        Assert.Contains("Cancelled", cancelled.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 3]", cancelled.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollee.Token().Certificates, c => c.Id == keyId);

        // A PIN the token refuses (here the storage PIN, which a user might well type): refused with the token's PIN
        // state (SoftHSM2 reports "count low" after one failure) and asked again; input ends there: nothing written.
        KagiRun wrong = Enroll("1", "", "", enrollee.StoragePin);
        Assert.True(wrong.ExitCode == 2, wrong.All);
        Assert.Contains("The PIN is incorrect.", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains("PIN state: ", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains("Error code: pin-required", wrong.Stderr, StringComparison.Ordinal);
        // kagi enroll's own stdin options, not the --pin-stdin of other commands, which enroll does not have.
        Assert.Contains("--storage-pin-stdin --new-pin-stdin", wrong.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--pin-stdin", wrong.Stderr, StringComparison.Ordinal);
        Assert.Contains($"Token serial number: {enrollee.Serial}", wrong.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollee.Token().Certificates, c => c.Id == keyId);

        // A wrong PIN, then the PIN set by the first run, in one run: the same certificate is written back, over the
        // token's key, chained.
        KagiRun restored = Enroll("1", "", "", "0000", CliEnrollee.NewPin);
        Assert.True(restored.ExitCode == 0, restored.All);
        Assert.Contains("The PIN is incorrect.", restored.Stderr, StringComparison.Ordinal);
        Assert.Contains("The certificate was restored to the token.", restored.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Serial number: {serialNumber}", restored.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("[STEP 3]", restored.Stdout, StringComparison.Ordinal);
        foreach (string secret in new[] { enrollee.StoragePin, CliEnrollee.NewPin })
        {
            Assert.DoesNotContain(secret, cancelled.All + wrong.All + restored.All, StringComparison.Ordinal);
        }

        await enrollee.AssertCompletedAsync(serialNumber);
        Assert.Single(enrollee.Token().Certificates, c => c.Id == keyId);

        // Nothing is missing any more: the plain "already stored" information.
        KagiRun again = Enroll("1", "");
        Assert.Equal(11, again.ExitCode);
        Assert.Contains("A certificate is already stored on this token", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_storage_pin_prompt_refuses_what_cannot_be_a_storage_pin_without_spending_attempts_and_c_cancels_after_a_confirmation()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Rokuro Abe", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;

        // The reviewer's input, which used to lock the storage PIN: full-width, one wrong PIN, then "c", "n", "y" meant as
        // answers. Only the wrong PIN reaches the server; "c" asks to cancel, "n" keeps the prompt, "c" + "y" cancel.
        KagiRun ja = kagi.Run("1\n\ny\n\nＡＢＣ１２３\nwrongpin1\n\nc\nn\n\nc\ny\n", TimeSpan.FromSeconds(120), "enroll", "--lang", "ja");
        Assert.True(ja.ExitCode == 11, ja.All);
        Assert.Contains("c を入力してください", Flat(ja.Stdout), StringComparison.Ordinal);
        Assert.Contains("全角文字 (Ａ、１ など) は含まれません", ja.Stderr, StringComparison.Ordinal);
        Assert.Contains("残り回数は減っていません", ja.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(ja.Stderr, "電子証明書格納用 PIN が正しくありません"));
        Assert.Contains("残り回数: 4", ja.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(ja.Stderr, "ウィザードを終了しますか"));
        Assert.Contains("キャンセルしました", ja.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("storage-pin-locked", ja.All, StringComparison.Ordinal);

        // Symbols and too-short input are refused as well; the next PIN sent is the second wrong one (3 left).
        KagiRun en = kagi.Run("1\n\ny\n\nabc-12345\nab\nWRONG2345\nc\ny\n", TimeSpan.FromSeconds(120), "enroll", "--lang", "en");
        Assert.True(en.ExitCode == 11, en.All);
        Assert.Contains("type c instead of the PIN", Flat(en.Stdout), StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(en.Stderr, "A storage PIN is 8 or more half-width letters and digits"));
        Assert.Contains("The storage PIN is wrong. Attempts left: 3", en.Stderr, StringComparison.Ordinal);
        Assert.Contains("Cancelled", en.Stderr, StringComparison.Ordinal);

        // Unattended: refused without being sent (storage-pin-invalid), the attempts stay as they were.
        KagiRun unattended = kagi.Run($"ＡＢＣ１２３４５６\n{CliEnrollee.NewPin}\n", "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en");
        Assert.True(unattended.ExitCode == 6, unattended.All);
        Assert.Equal("storage-pin-invalid", JsonDocument.Parse(unattended.Stdout).RootElement.GetProperty("code").GetString());
        KagiRun third = kagi.Run($"WRONG6789\n{CliEnrollee.NewPin}\n", "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en");
        Assert.Contains("Attempts left: 2", JsonDocument.Parse(third.Stdout).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The storage PIN still works.
        KagiRun done = enrollee.Enroll();
        Assert.True(done.ExitCode == 0, done.All);
        await enrollee.AssertCompletedAsync(JsonDocument.Parse(done.Stdout).RootElement.GetProperty("serialNumber").GetString()!);
    }

    [Fact]
    public async Task Cancelling_after_the_storage_pin_was_spent_says_a_rerun_resumes_only_within_30_minutes()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Shichiro Ueda", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;
        KagiRun Wizard(params string[] lines) => kagi.Run(string.Join("\n", lines) + "\n", TimeSpan.FromSeconds(120), "wizard", "--lang", "en");
        const string Window = "within 30 minutes of its verification";

        // Before STEP 3 the storage PIN is not spent: the rerun simply continues.
        KagiRun early = Wizard("1", "", "y", "c", "y");
        Assert.Equal(11, early.ExitCode);
        Assert.Contains("Run kagi enroll again to continue", early.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Window, early.Stderr, StringComparison.Ordinal);

        // Verified in this run, cancelled at STEP 4: the confirmation and the message tell the window and what comes after.
        KagiRun atStep4 = Wizard("1", "", "y", "", enrollee.StoragePin, "c", "n", "c", "y");
        Assert.True(atStep4.ExitCode == 11, atStep4.All);
        Assert.Contains("[STEP 4]", atStep4.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(atStep4.Stderr, Window));
        Assert.Contains("Cancelled. The storage PIN is already used", atStep4.Stderr, StringComparison.Ordinal);
        Assert.Contains("ask the CA operator to issue a new storage PIN", atStep4.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Run kagi enroll again to continue; work", atStep4.Stderr, StringComparison.Ordinal);

        // Resumed (STEP 3 skipped), cancelled with c at the new PIN prompt: the same.
        KagiRun resumed = Wizard("1", "", "y", "", "c", "y");
        Assert.True(resumed.ExitCode == 11, resumed.All);
        Assert.Contains("continuing the same order", resumed.Stdout, StringComparison.Ordinal);
        Assert.Contains("type c instead of a PIN", Flat(resumed.Stdout), StringComparison.Ordinal);
        Assert.Contains("Cancelled. The storage PIN is already used", resumed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[STEP 5]", resumed.Stdout, StringComparison.Ordinal);

        // c at the confirmation prompt too, not confirmed: asked again, and the run completes.
        KagiRun done = Wizard("1", "", "y", "", CliEnrollee.NewPin, "c", "n", CliEnrollee.NewPin);
        Assert.True(done.ExitCode == 0, done.All);
        Assert.Contains("The certificate was stored.", done.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollee.StoragePin, atStep4.All + resumed.All + done.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pin_change_refuses_the_holders_name_read_from_the_token_and_in_the_wizard_asks_again_or_cancels()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Hanako Sato", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;
        KagiRun Wizard(params string[] lines) => kagi.Run(string.Join("\n", lines) + "\n", TimeSpan.FromSeconds(120), "wizard", "--lang", "en");
        KagiRun stored = enrollee.Enroll();
        Assert.True(stored.ExitCode == 0, stored.All);

        // Function 2: the name on the token's certificate refuses hanako12 as STEP 4 does; the wizard asks again, "c" asks
        // to cancel ("n" goes on), and a good PIN is set.
        const string Changed = "k4m7p2x9";
        KagiRun change = Wizard("2", CliEnrollee.NewPin, "hanako12", "hanako12", "c", "n", Changed, Changed);
        Assert.True(change.ExitCode == 0, change.All);
        Assert.Contains("type c instead of a PIN", Flat(change.Stdout), StringComparison.Ordinal);
        Assert.Contains("The new PIN cannot be used:", change.Stderr, StringComparison.Ordinal);
        Assert.Contains("it contains the user's name", change.Stderr, StringComparison.Ordinal);
        Assert.Contains("Quit the wizard?", change.Stderr, StringComparison.Ordinal);
        Assert.Contains("The user PIN was changed.", change.Stdout, StringComparison.Ordinal);
        Assert.NotEmpty(TokenContents.Read(kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = kagi.Hsm.ConfigPath }, Changed).PrivateKeys);

        // Cancelled with the confirmation: nothing changed.
        KagiRun cancelled = Wizard("2", Changed, "c", "y");
        Assert.True(cancelled.ExitCode == 11, cancelled.All);
        Assert.Contains("Cancelled.", cancelled.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("kagi enroll", cancelled.Stderr, StringComparison.Ordinal);

        // kagi pin change (unattended) takes the name from the token too, and keeps ending with exit 8.
        KagiRun unattended = kagi.Run($"{Changed}\nsatohan7\nsatohan7\n", "pin", "change", "--pin-stdin", "--json", "--lang", "en");
        Assert.True(unattended.ExitCode == 8, unattended.All);
        JsonElement result = JsonDocument.Parse(unattended.Stdout).RootElement;
        Assert.Equal("tooWeak", result.GetProperty("outcome").GetString());
        Assert.Contains(result.GetProperty("problems").EnumerateArray(), p => p.GetString() == "it contains the user's name");
        Assert.NotEmpty(TokenContents.Read(kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = kagi.Hsm.ConfigPath }, Changed).PrivateKeys);
        foreach (string secret in new[] { CliEnrollee.NewPin, Changed, "hanako12", "satohan7" })
        {
            Assert.DoesNotContain(secret, change.All + cancelled.All + unattended.All, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unattended_errors_are_json_with_code_serial_and_message()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Shiro Kato", "sqlite", $"--Kagi:OperatorContact={Contact}");
        KagiRunner kagi = enrollee.Kagi;
        JsonElement Error(KagiRun run, int exit, string code)
        {
            Assert.True(run.ExitCode == exit, run.All);
            JsonElement e = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.Equal("error", e.GetProperty("result").GetString());
            Assert.Equal(code, e.GetProperty("code").GetString());
            Assert.Equal(enrollee.Serial, e.GetProperty("tokenSerial").GetString());
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()));
            Assert.Equal(exit, e.GetProperty("exitCode").GetInt32());
            return e;
        }

        // No --yes: the user is not confirmed, nothing is spent.
        Error(kagi.Run($"{enrollee.StoragePin}\n{CliEnrollee.NewPin}\n", "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--json"), 11, "user-not-confirmed");

        // No new PIN in an unattended run.
        Error(kagi.Run($"{enrollee.StoragePin}\n", "enroll", "--storage-pin-stdin", "--yes", "--json"), 2, "new-pin-required");

        // A weak new PIN is refused before the storage PIN is spent.
        JsonElement weak = Error(kagi.Run($"{enrollee.StoragePin}\n1234\n", "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en"), 8, "new-pin-rejected");
        Assert.Contains(weak.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("run such as 1234", StringComparison.Ordinal));

        // The storage PIN is needed and was not given.
        Error(kagi.Run($"{CliEnrollee.NewPin}\n", "enroll", "--new-pin-stdin", "--yes", "--json"), 2, "storage-pin-required");

        // A wrong storage PIN.
        Error(kagi.Run($"WRONG2345\n{CliEnrollee.NewPin}\n", "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json"), 6, "storage-pin-wrong");

        // The legacy three-line form still works (storage PIN, new PIN, confirmation).
        KagiRun done = kagi.Run($"{enrollee.StoragePin}\n{CliEnrollee.NewPin}\n{CliEnrollee.NewPin}\n", "enroll", "--pins-stdin", "--yes", "--json");
        Assert.True(done.ExitCode == 0, done.All);
        JsonElement result = JsonDocument.Parse(done.Stdout).RootElement;
        Assert.False(result.GetProperty("resumed").GetBoolean());
        await enrollee.AssertCompletedAsync(result.GetProperty("serialNumber").GetString()!);

        // Completed: a further run is told so.
        Error(enrollee.Enroll(), 11, "certificate-already-stored");

        // The server is down.
        await enrollee.Server.StopAsync();
        Error(enrollee.Enroll(), 14, "server-unreachable");
    }
}
