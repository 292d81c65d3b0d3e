using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
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
/// The wizard on a token whose user PIN is set already: the CA operator reopened the stored order and issued a new
/// storage PIN, so the token no longer opens with its transport PIN. STEP 4 asks for the user's own PIN (one field, not
/// a new PIN and its confirmation), again after a wrong one with the token's PIN state, and stores the new certificate
/// over a new key pair; the old key pair and certificate are gone from the token.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WizardReissueTests(BrowserFixture browser)
{
    [Fact]
    public async Task Wizard_asks_for_the_pin_set_before_when_the_token_no_longer_opens_with_the_transport_pin()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E130", "Hachiro Sato");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Wizard_asks_for_the_pin_set_before_when_the_token_no_longer_opens_with_the_transport_pin));

        // Enrolled by the CLI; the operator reopens the order and issues a new storage PIN.
        KagiRun enrolled = world.Kagi.Run($"{storagePin}\n{WizardTests.NewPin}\n", TimeSpan.FromSeconds(120), "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json");
        Assert.True(enrolled.ExitCode == 0, enrolled.All);
        string oldSerial = JsonDocument.Parse(enrolled.Stdout).RootElement.GetProperty("serialNumber").GetString()!;
        string oldKeyId = Assert.Single(Token(world).Certificates, c => c.Id.Length > 0).Id;
        world.Kagi.Environment["KAGI_API_KEY"] = world.Server.OperatorApiKey;
        try
        {
            KagiRun reopened = world.Kagi.Run(null, "admin", "cert", "reopen", await CertificateIdAsync(world, serial));
            Assert.True(reopened.ExitCode == 0, reopened.All);
            Assert.Equal(0, world.Kagi.Run(null, "admin", "token", "storage-pin", serial).ExitCode);
        }
        finally
        {
            world.Kagi.Environment.Remove("KAGI_API_KEY");
        }

        string newStoragePin = world.StoragePinFromMail();

        await WizardTests.OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Hachiro Sato");
        await page.ClickAsync("#next");
        await page.FillAsync("#storagePin", newStoragePin);
        await page.ClickAsync("#next");

        // STEP 4: the PIN set before, one field.
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("ユーザー PIN");
        await Expect(page.Locator("#pin-set-before")).ToContainTextAsync("初期ユーザー PIN では開けなくなっています");
        await Expect(page.Locator("#newPin")).ToHaveCountAsync(0);
        await Expect(page.Locator("#confirmation")).ToHaveCountAsync(0);
        await screens.ShotAsync("step4-pin-set-before");

        // A wrong PIN: refused with the PIN state; the same step again.
        await page.FillAsync("#userPin", "wrong987");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#userPin-error")).ToContainTextAsync("PIN が正しくありません。PIN の状態:");
        await Expect(page.Locator("#pin-set-before")).ToBeVisibleAsync();
        await screens.ShotAsync("step4-pin-set-before-wrong");

        await page.FillAsync("#userPin", WizardTests.NewPin);
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToHaveTextAsync("電子証明書をトークンに格納しました。", new() { Timeout = 60_000 });
        string newSerial = (await page.Locator("#result-serial").TextContentAsync())!;
        Assert.NotEqual(oldSerial, newSerial, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(WizardTests.NewPin, await page.ContentAsync(), StringComparison.Ordinal);

        // The user's PIN is unchanged and opens the token, which holds only the new certificate over a new key pair.
        TokenContents token = Token(world);
        using X509Certificate2 user = token.AssertOneKeyPairCertifiedAndChained(world.Server.RootPemPath);
        Assert.Equal(newSerial, user.SerialNumber, ignoreCase: true);
        Assert.DoesNotContain(token.Objects, o => o.Id == oldKeyId);
    }

    private static TokenContents Token(AgentWorld world) =>
        TokenContents.Read(world.Kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = world.Kagi.Hsm.ConfigPath }, WizardTests.NewPin);

    private static async Task<string> CertificateIdAsync(AgentWorld world, string tokenSerial)
    {
        using IServiceScope scope = world.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        long tokenId = (await db.Tokens.SingleAsync(t => t.Serial == tokenSerial)).Id;
        long assignment = (await db.Assignments.SingleAsync(a => a.TokenId == tokenId)).Id;
        EnrollmentOrder order = await db.EnrollmentOrders.SingleAsync(o => o.AssignmentId == assignment);
        return order.CertificateId;
    }
}
