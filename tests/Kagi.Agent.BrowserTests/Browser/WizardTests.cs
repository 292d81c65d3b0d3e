using System.Security.Cryptography.X509Certificates;
using Kagi.Agent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kagi.Agent.BrowserTests.Browser;

/// <summary>The storage wizard in Chromium, in Japanese, against the real agent, the real server and SoftHSM2 tokens.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WizardTests(BrowserFixture browser)
{
    internal const string NewPin = "q8w3e5r1";

    [Fact]
    public async Task Wizard_stores_a_certificate_which_the_viewer_shows_and_exports()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E100", "Taro Yamada");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Wizard_stores_a_certificate_which_the_viewer_shows_and_exports));

        await page.GotoAsync(world.Agent.Url + "/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("メニュー");
        await screens.ShotAsync("menu");
        await page.ClickAsync("#menu-wizard");
        await OpenStep1Async(page, serial);
        await Expect(page.Locator("h1")).ToHaveTextAsync("電子証明書の格納");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("トークン認証");
        await screens.ShotAsync("step1-token");

        await page.ClickAsync("#next");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("利用者の確認");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Taro Yamada");
        await screens.ShotAsync("step2-user");

        await page.ClickAsync("#next");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("格納用 PIN");
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await page.FillAsync("#storagePin", storagePin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await screens.ShotAsync("step3-storage-pin");

        await page.ClickAsync("#next");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("ユーザー PIN の設定");
        await page.FillAsync("#newPin", NewPin);
        await page.FillAsync("#confirmation", NewPin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await Expect(page.Locator("#strength-text")).ToHaveTextAsync("高");
        await screens.ShotAsync("step4-user-pin");

        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToHaveTextAsync("電子証明書をトークンに格納しました。", new() { Timeout = 60_000 });
        string certSerial = (await page.Locator("#result-serial").TextContentAsync())!;
        Assert.Matches("^[0-9A-F]+$", certSerial);
        await Expect(page.Locator("#result-subject")).ToContainTextAsync("CN=Taro Yamada");
        await screens.ShotAsync("step5-done");
        Assert.DoesNotContain(storagePin, await page.ContentAsync(), StringComparison.Ordinal);

        // The viewer: log in with the new PIN, open the user certificate, check its details, export DER and PEM.
        await page.ClickAsync("#view-token");
        await Expect(page.Locator("#token-serial")).ToHaveTextAsync(serial);
        await page.FillAsync("#pin", NewPin);
        await page.ClickAsync("#login");
        await Expect(page.Locator("#login-status")).ToBeVisibleAsync();
        await screens.ShotAsync("token-logged-in");
        await page.ClickAsync("#certificates tbody tr:has-text('利用者証明書') a");
        await Expect(page.Locator("#cert-serial")).ToHaveTextAsync(certSerial);
        await Expect(page.Locator("#cert-subject")).ToContainTextAsync("CN=Taro Yamada");
        await Expect(page.Locator("#cert-id")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^FC[0-9A-F]+$"));
        await screens.ShotAsync("certificate-details");

        IDownload pem = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-pem"));
        string pemText = await File.ReadAllTextAsync((await pem.PathAsync())!);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pemText, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", pemText, StringComparison.Ordinal);
        IDownload der = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-der"));
        using X509Certificate2 exported = X509CertificateLoader.LoadCertificate(await File.ReadAllBytesAsync((await der.PathAsync())!));
        Assert.Equal(certSerial, exported.SerialNumber);
        using X509Certificate2 fromPem = X509Certificate2.CreateFromPem(pemText);
        Assert.Equal(exported.RawData, fromPem.RawData);

        // The exported certificate chains to the server's root CA (signature verified by the chain engine).
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(world.Server.RootPemPath);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (X509Certificate2 extra in roots)
        {
            chain.ChainPolicy.ExtraStore.Add(extra);
        }

        foreach (string intermediate in Directory.GetFiles(Path.Combine(world.Server.DataDirectory, "ca"), "*.pem"))
        {
            chain.ChainPolicy.ExtraStore.ImportFromPemFile(intermediate);
        }

        Assert.True(chain.Build(exported), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

        // A second run on the same token is told, as information and not as a failure, that the certificate is stored.
        await OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-already-stored")).ToHaveTextAsync("このトークンには電子証明書が格納済みです。これ以上の操作は必要ありません。");
        await Expect(page.Locator("#wizard-already-stored")).ToHaveAttributeAsync("data-code", "certificate-already-stored");
        await Expect(page.Locator("#result-token-serial")).ToHaveTextAsync(serial);
        await Expect(page.Locator("#wizard-failed")).ToHaveCountAsync(0);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("エラーコード");
        await screens.ShotAsync("second-run-already-stored");
    }

    [Fact]
    public async Task Wrong_storage_pin_is_reported_at_its_field_with_the_attempts_left()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E101", "Jiro Sato");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Wrong_storage_pin_is_reported_at_its_field_with_the_attempts_left));
        await ToStep3Async(page, world, serial);

        // What cannot be a storage PIN (full-width, symbols, too short) is refused by the agent without sending it.
        await page.FillAsync("#storagePin", "ＡＢＣＤ１２３４");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("全角文字 (Ａ、１ など) は含まれません");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("残りの入力可能回数は減っていません");
        await screens.ShotAsync("full-width-storage-pin");
        await page.FillAsync("#storagePin", "ab-12");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("8 文字以上の半角英数字");

        // The first PIN sent: 4 attempts left.
        string wrong = storagePin == "AAAA1111" ? "BBBB2222" : "AAAA1111";
        await page.FillAsync("#storagePin", wrong);
        await page.ClickAsync("#next");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("電子証明書格納用 PIN が正しくありません");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("残りの入力可能回数: 4 回");
        await Expect(page.Locator("#storagePin")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("格納用 PIN");
        await screens.ShotAsync("wrong-storage-pin");

        // The right PIN still works afterwards.
        await SubmitStoragePinAsync(page, storagePin);
        await screens.ShotAsync("after-right-pin");
    }

    [Fact]
    public async Task Next_stays_disabled_while_the_new_pin_breaks_the_rules_or_differs_from_its_confirmation()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E102", "Hanako Suzuki");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Next_stays_disabled_while_the_new_pin_breaks_the_rules_or_differs_from_its_confirmation));
        await ToStep4Async(page, world, serial, storagePin);
        await Expect(page.Locator("#next")).ToBeDisabledAsync();

        await page.FillAsync("#newPin", NewPin);
        await page.FillAsync("#confirmation", "q8w3e5r2");
        await Expect(page.Locator("#confirmation-error")).ToHaveTextAsync("新しい PIN と確認用の入力が一致しません。");
        await Expect(page.Locator("#confirmation")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await screens.ShotAsync("mismatch");

        await page.FillAsync("#newPin", "1234");
        await page.FillAsync("#confirmation", "1234");
        await Expect(page.Locator("#newPin-error")).ToContainTextAsync("1234 や abcd のような連続した並び");
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await screens.ShotAsync("weak");

        await page.FillAsync("#newPin", "ab12345678x");
        await Expect(page.Locator("#newPin-error")).ToContainTextAsync("4～8 文字");
        await Expect(page.Locator("#next")).ToBeDisabledAsync();

        await page.FillAsync("#newPin", NewPin);
        await page.FillAsync("#confirmation", NewPin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await Expect(page.Locator("#newPin-error")).ToHaveTextAsync(string.Empty);
        await screens.ShotAsync("valid");
    }

    [Fact]
    public async Task Cancel_asks_for_confirmation_and_stops_only_when_confirmed()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, _) = world.PrepareToken("E103", "Saburo Ito");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Cancel_asks_for_confirmation_and_stops_only_when_confirmed));
        await OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Saburo Ito");

        await page.ClickAsync("#cancel");
        await Expect(page.Locator("#cancel-question")).ToContainTextAsync("中止しますか");
        await screens.ShotAsync("cancel-question");
        await page.ClickAsync("#cancel-no");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Saburo Ito");

        await page.ClickAsync("#cancel");
        await page.ClickAsync("#cancel-yes");
        await Expect(page.Locator("#wizard-cancelled")).ToHaveTextAsync("証明書の格納を中止しました。");
        await screens.ShotAsync("cancelled");
    }

    [Fact]
    public async Task Cancel_after_the_storage_pin_tells_the_resume_window_and_a_new_run_resumes_without_the_pin()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E105", "Goro Mori");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Cancel_after_the_storage_pin_tells_the_resume_window_and_a_new_run_resumes_without_the_pin));
        await ToStep4Async(page, world, serial, storagePin);

        // The storage PIN is spent: the question and the result say that a new run continues only within 30 minutes.
        await page.ClickAsync("#cancel");
        await Expect(page.Locator("#cancel-question")).ToContainTextAsync("PIN の確認から 30 分以内");
        await Expect(page.Locator("#cancel-question")).ToContainTextAsync("認証局運用員に電子証明書格納用 PIN の再発行");
        await screens.ShotAsync("cancel-question-after-storage-pin");
        await page.ClickAsync("#cancel-yes");
        await Expect(page.Locator("#wizard-cancelled")).ToContainTextAsync("30 分以内にやり直すと、続きから再開できます");

        // A new run within the window skips STEP 3 and completes the same order.
        await OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Goro Mori");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("ユーザー PIN の設定");
        await Expect(page.Locator("#wizard-resumed")).ToContainTextAsync("同じ申請の続きから再開します");
        await screens.ShotAsync("resumed-step4");
        await page.FillAsync("#newPin", NewPin);
        await page.FillAsync("#confirmation", NewPin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.DoesNotContain(storagePin, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_pulled_mid_wizard_is_reported_and_the_wizard_resumes_when_it_is_back()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string serial, string storagePin) = world.PrepareToken("E104", "Shiro Kato");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(A_token_pulled_mid_wizard_is_reported_and_the_wizard_resumes_when_it_is_back));
        await page.AddInitScriptAsync(SocketsScript);
        await ToStep3Async(page, world, serial);
        await page.FillAsync("#storagePin", storagePin);

        await NoticesLiveAsync(page);
        Action restore = world.PullToken(serial);
        await Expect(page.Locator("#notices")).ToContainTextAsync("トークンが取り外されました", new() { Timeout = 20_000 });
        await Expect(page.Locator("#next")).ToBeDisabledAsync();
        await screens.ShotAsync("removed-notice");

        // Submitting anyway (the page's button is disabled; a script could still post) stops at the same step with a message.
        await page.EvaluateAsync("document.getElementById('wizard-form').submit()");
        await Expect(page.Locator("#storagePin-error")).ToContainTextAsync("取り外されました");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("格納用 PIN");
        await screens.ShotAsync("removed-step-stopped");

        await NoticesLiveAsync(page); // the page the submit loaded has a socket of its own
        restore();
        await Expect(page.Locator("#notices")).ToContainTextAsync("トークンが差し込まれました", new() { Timeout = 20_000 });
        await page.FillAsync("#storagePin", storagePin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await SubmitStoragePinAsync(page, storagePin);
        await page.FillAsync("#newPin", NewPin);
        await page.FillAsync("#confirmation", NewPin);
        await Expect(page.Locator("#next")).ToBeEnabledAsync();
        await page.ClickAsync("#next");
        await Expect(page.Locator("#wizard-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await screens.ShotAsync("resumed-done");
    }

    // Keeps the page's WebSockets reachable for NoticesLiveAsync (added before the page's own script runs).
    private const string SocketsScript = """
        (() => {
          const sockets = [];
          window.__kagiSockets = sockets;
          window.WebSocket = class extends window.WebSocket {
            constructor(...args) { super(...args); sockets.push(this); }
          };
        })();
        """;

    /// <summary>
    /// Waits until the page's token-notice socket is subscribed to the agent's token events. The agent subscribes a
    /// socket before it reads the socket's first request, so an answered hello on it proves that. A token pulled or put
    /// back before then is seen by the agent's poll (every 300 ms) without the page hearing of it, and the notice the
    /// test waits for never comes: on a loaded machine the socket of a page just loaded can take longer than a poll.
    /// Needs <see cref="SocketsScript"/> added to the page first.
    /// </summary>
    private static async Task NoticesLiveAsync(IPage page)
    {
        IJSHandle live = await page.WaitForFunctionAsync(
            """
            () => {
              const socket = (window.__kagiSockets || []).find(s => s.readyState === WebSocket.OPEN);
              if (!socket) { return false; }
              if (!socket.kagiLive) {
                socket.kagiLive = 'asked';
                socket.addEventListener('message', m => { if (JSON.parse(m.data).id === 'notices-live') { socket.kagiLive = 'yes'; } });
                socket.send(JSON.stringify({ v: 1, id: 'notices-live', type: 'hello' }));
              }
              return socket.kagiLive === 'yes';
            }
            """,
            null,
            new() { PollingInterval = 50 });
        await live.DisposeAsync();
    }

    /// <summary>Opens the wizard on <paramref name="serial"/> and goes through STEP 1–3 to STEP 4 (the new user PIN).</summary>
    private static async Task ToStep4Async(IPage page, AgentWorld world, string serial, string storagePin)
    {
        await ToStep3Async(page, world, serial);
        await SubmitStoragePinAsync(page, storagePin);
    }

    /// <summary>On STEP 3: enters the (right) storage PIN and goes on to STEP 4.</summary>
    private static async Task SubmitStoragePinAsync(IPage page, string storagePin)
    {
        await page.FillAsync("#storagePin", storagePin);
        await page.ClickAsync("#next");
        await Expect(page.Locator("#steps li[aria-current=step]")).ToContainTextAsync("ユーザー PIN の設定");
        await Expect(page.Locator("#newPin")).ToBeVisibleAsync();
    }

    private static async Task ToStep3Async(IPage page, AgentWorld world, string serial)
    {
        await OpenStep1Async(page, serial, world.Agent.Url + "/wizard");
        await page.ClickAsync("#next");
        await Expect(page.Locator("#user-name")).ToBeVisibleAsync();
        await page.ClickAsync("#next");
        await Expect(page.Locator("#storagePin")).ToBeVisibleAsync();
    }

    /// <summary>Opens (or reloads) STEP 1 until the agent lists <paramref name="serial"/>, and selects it.</summary>
    internal static async Task OpenStep1Async(IPage page, string serial, string? url = null)
    {
        for (int i = 0; i < 40; i++)
        {
            if (url is not null || i > 0)
            {
                await page.GotoAsync(url ?? page.Url);
            }

            ILocator radio = page.Locator($"input[name=serial][value='{serial}']");
            if (await radio.CountAsync() == 1)
            {
                await radio.CheckAsync();
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail("The agent never listed token " + serial);
    }
}
