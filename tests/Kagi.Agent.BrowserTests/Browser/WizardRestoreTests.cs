using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kagi.Agent.BrowserTests.Infrastructure;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Tests.Cli;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kagi.Agent.BrowserTests.Browser;

/// <summary>
/// The wizard restores a certificate the token lost, in Chromium against the real agent, server and SoftHSM2 token.
/// The loss is simulated by deleting the user certificate object with pkcs11-tool (what SoftHSM2 on a full disk leaves
/// behind: the order's key pair without its certificate, the user's PIN change kept; see <c>EnrollDiskFullTests</c> for
/// the real full disk with the CLI).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WizardRestoreTests(BrowserFixture browser)
{
    [Fact]
    public async Task Wizard_restores_a_lost_certificate_with_the_users_pin_after_refusing_a_wrong_one()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E110", "Goro Mori");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Wizard_restores_a_lost_certificate_with_the_users_pin_after_refusing_a_wrong_one));

        // A complete enrollment through the wizard.
        await WizardTests.OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Goro Mori");
        await page.ClickAsync("#next");
        await page.FillAsync("#storagePin", storagePin);
        await page.ClickAsync("#next");
        await page.FillAsync("#newPin", WizardTests.NewPin);
        await page.FillAsync("#confirmation", WizardTests.NewPin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToHaveTextAsync("電子証明書をトークンに格納しました。", new() { Timeout = 60_000 });
        string certSerial = (await page.Locator("#result-serial").TextContentAsync())!;
        (string certificateId, string recordedSerial) = await OrderAsync(world, serial);
        Assert.Equal(recordedSerial, certSerial, ignoreCase: true);

        // The token loses the user certificate; the key pair and the CA certificates stay.
        string keyId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(certificateId))[..8]);
        TokenContents before = Token(world);
        Assert.Single(before.Certificates, c => c.Id == keyId);
        before.DeleteCertificate(keyId);
        TokenContents lost = Token(world);
        Assert.DoesNotContain(lost.Certificates, c => c.Id == keyId);
        Assert.Contains(lost.PrivateKeys, k => k.Id == keyId);
        Assert.Contains(lost.PublicKeys, k => k.Id == keyId);

        // The wizard again: the CA has it as stored, the token lacks it → the restore, explained, asking for the user PIN.
        await WizardTests.OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#restore-intro")).ToContainTextAsync("トークンには証明書が残っていません");
        await Expect(page.Locator("#restore-intro")).ToContainTextAsync("新しい証明書は発行しません");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("証明書の再書き込み");
        await Expect(page.Locator("main")).ToContainTextAsync("格納用 PIN は使用済みのため不要です");
        await Expect(page.Locator("#storagePin")).ToHaveCountAsync(0);
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await screens.ShotAsync("restore-offered");

        // A wrong PIN: refused with the PIN state the token reports; nothing is written.
        await page.FillAsync("#userPin", "wrong987");
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await page.ClickAsync("#next");
        await Expect(page.Locator("#userPin-error")).ToContainTextAsync("PIN が正しくありません。PIN の状態:");
        await Expect(page.Locator("#userPin")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("証明書の再書き込み");
        await screens.ShotAsync("restore-wrong-pin");
        Assert.DoesNotContain(Token(world).Certificates, c => c.Id == keyId);

        // The right PIN, typed on the on-screen keyboard.
        await page.ClickAsync(".osk-toggle[data-for=userPin]");
        ILocator keyboard = page.Locator(".osk");
        await Expect(keyboard).ToBeVisibleAsync();
        foreach (char c in WizardTests.NewPin)
        {
            await keyboard.GetByRole(AriaRole.Button, new() { Name = c.ToString(), Exact = true }).ClickAsync();
        }

        await Expect(page.Locator("#userPin")).ToHaveValueAsync(WizardTests.NewPin);
        await screens.ShotAsync("restore-on-screen-keyboard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToHaveTextAsync("電子証明書をトークンに書き込み直しました。以前に認証局が発行したものと同じ証明書です。", new() { Timeout = 60_000 });
        await Expect(page.Locator("#wizard-done")).ToHaveAttributeAsync("data-result", "restored");
        await Expect(page.Locator("#result-serial")).ToHaveTextAsync(certSerial);
        await screens.ShotAsync("restored");
        Assert.DoesNotContain(WizardTests.NewPin, await page.ContentAsync(), StringComparison.Ordinal);

        // The token holds the same certificate as the server's record again, over the token's own key, chained.
        using X509Certificate2 restored = Token(world).AssertOneKeyPairCertifiedAndChained(world.Server.RootPemPath);
        Assert.Equal(recordedSerial, restored.SerialNumber, ignoreCase: true);
        Assert.Single(Token(world).Certificates, c => c.Id == keyId);
        Assert.Equal((certificateId, recordedSerial), await OrderAsync(world, serial));

        // Both user PIN attempts were counted by the agent for this token.
        await page.ClickAsync("#view-token");
        await Expect(page.Locator("#pin-attempts")).ToHaveTextAsync("2");
        await screens.ShotAsync("token-after-restore");

        // Nothing is missing any more: a further run is the plain "already stored".
        await WizardTests.OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-already-stored")).ToHaveAttributeAsync("data-code", "certificate-already-stored");
    }

    [Fact]
    public async Task The_restore_step_is_explained_in_english_too()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E111", "Rokuro Abe");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(The_restore_step_is_explained_in_english_too));

        // Enrolled by the CLI this time; then the token loses the certificate.
        KagiRun enrolled = world.Kagi.Run($"{storagePin}\n{WizardTests.NewPin}\n", TimeSpan.FromSeconds(120), "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json");
        Assert.True(enrolled.ExitCode == 0, enrolled.All);
        (string certificateId, _) = await OrderAsync(world, serial);
        string keyId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(certificateId))[..8]);
        Token(world).DeleteCertificate(keyId);

        await page.GotoAsync(world.Agent.Url + "/?lang=en");
        await WizardTests.OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#restore-intro")).ToContainTextAsync("the token no longer holds it");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("Write the certificate again");
        await Expect(page.Locator("label[for=userPin]")).ToHaveTextAsync("User PIN");
        await screens.ShotAsync("restore-offered-en");

        await page.FillAsync("#userPin", WizardTests.NewPin);
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToContainTextAsync("written to the token again", new() { Timeout = 60_000 });
        await screens.ShotAsync("restored-en");
        Assert.Single(Token(world).Certificates, c => c.Id == keyId);
    }

    /// <summary>The token read with pkcs11-tool after a login with the user PIN the wizard set.</summary>
    private static TokenContents Token(AgentWorld world) =>
        TokenContents.Read(world.Kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = world.Kagi.Hsm.ConfigPath }, WizardTests.NewPin);

    /// <summary>The certificate ID and the recorded certificate serial of the token's (stored) order on the server.</summary>
    private static async Task<(string CertificateId, string Serial)> OrderAsync(AgentWorld world, string tokenSerial)
    {
        using IServiceScope scope = world.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        long tokenId = (await db.Tokens.SingleAsync(t => t.Serial == tokenSerial)).Id;
        long[] assignments = await db.Assignments.Where(a => a.TokenId == tokenId).Select(a => a.Id).ToArrayAsync();
        EnrollmentOrder order = Assert.Single(await db.EnrollmentOrders.Where(o => assignments.Contains(o.AssignmentId)).ToListAsync());
        Assert.Equal(OrderState.Stored, order.State);
        return (order.CertificateId, order.CertificateSerial!);
    }
}
