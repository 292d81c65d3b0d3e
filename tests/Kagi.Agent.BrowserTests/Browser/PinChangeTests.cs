using Kagi.Agent.BrowserTests.Infrastructure;
using Kagi.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kagi.Agent.BrowserTests.Browser;

/// <summary>
/// The management tool in Chromium: user PIN change with the live strength meter, PIN state after a wrong PIN, log in /
/// out, and the holder's names on the token refusing a PIN as <c>kagi pin change</c> does.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PinChangeTests(BrowserFixture browser)
{
    [Fact]
    public async Task Pin_change_shows_the_strength_live_and_the_new_pin_opens_the_token()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("pin-token", "so-pin-1", "1234");
        using AgentProcess agent = AgentProcess.Start(kagi, []);
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Pin_change_shows_the_strength_live_and_the_new_pin_opens_the_token));

        await page.GotoAsync(agent.Url + "/");
        await page.ClickAsync("#menu-pin");
        await Expect(page.Locator("h1")).ToHaveTextAsync("ユーザー PIN の変更");
        await Expect(page.Locator("#change")).ToBeDisabledAsync();
        await page.FillAsync("#current", "1234");

        await page.FillAsync("#newPin", "1111");
        await Expect(page.Locator("#strength")).ToHaveAttributeAsync("data-level", "low");
        await Expect(page.Locator("#strength-text")).ToHaveTextAsync("低");
        await Expect(page.Locator("#newPin-error")).ToContainTextAsync("この PIN は使えません");
        await screens.ShotAsync("strength-low");

        await page.FillAsync("#newPin", "k4m2");
        await Expect(page.Locator("#strength")).ToHaveAttributeAsync("data-level", "medium");
        await Expect(page.Locator("#strength-text")).ToHaveTextAsync("中");
        await screens.ShotAsync("strength-medium");

        await page.FillAsync("#newPin", "q8w3e5r1");
        await Expect(page.Locator("#strength")).ToHaveAttributeAsync("data-level", "high");
        await Expect(page.Locator("#strength-text")).ToHaveTextAsync("高");
        await Expect(page.Locator("#change")).ToBeDisabledAsync(); // no confirmation yet
        await page.FillAsync("#confirmation", "q8w3e5r1");
        await Expect(page.Locator("#change")).ToBeEnabledAsync();
        await screens.ShotAsync("strength-high");

        await page.ClickAsync("#change");
        await Expect(page.Locator("#pin-result")).ToHaveTextAsync("ユーザー PIN を変更しました。今後は新しい PIN を使ってください。");
        await screens.ShotAsync("changed");

        // The old PIN is now wrong: the token page says so and shows the PIN state the token reports.
        await page.GotoAsync(agent.Url + "/tokens");
        await page.ClickAsync("#token-list a");
        await page.FillAsync("#pin", "1234");
        await page.ClickAsync("#login");
        await Expect(page.Locator("#pin-error")).ToContainTextAsync("PIN が正しくありません");
        await Expect(page.Locator("#pin")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#pin-state")).ToHaveTextAsync("PIN 誤入力あり");
        await Expect(page.Locator("#pin-advice")).ToBeVisibleAsync();
        await screens.ShotAsync("old-pin-refused");

        await page.FillAsync("#pin", "q8w3e5r1");
        await page.ClickAsync("#login");
        await Expect(page.Locator("#login-status")).ToBeVisibleAsync();
        await Expect(page.Locator("#pin-state")).ToHaveTextAsync("正常");
        await page.ClickAsync("#logout");
        await Expect(page.Locator("#login")).ToBeVisibleAsync();

        // English switch.
        await page.ClickAsync("header nav a[lang=en]");
        await Expect(page.Locator("#login")).ToHaveTextAsync("Log in");
        await screens.ShotAsync("english");
    }

    [Fact]
    public async Task Keyboard_only_user_can_reach_the_fields_and_the_shuffled_on_screen_keyboard_types_into_them()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("osk-token", "so-pin-1", "1234");
        using AgentProcess agent = AgentProcess.Start(kagi, []);
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Keyboard_only_user_can_reach_the_fields_and_the_shuffled_on_screen_keyboard_types_into_them));
        await page.GotoAsync(agent.Url + "/pin");

        // Tab order: the current-PIN field (autofocus) then its keyboard toggle; each field has a label.
        await Expect(page.Locator("#current")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("button.osk-toggle[data-for=current]")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        ILocator keys = page.Locator(".osk button");
        Assert.Equal(37, await keys.CountAsync());
        string first = (await keys.AllTextContentsAsync()).Take(36).Aggregate(string.Empty, (a, b) => a + b);
        await keys.Filter(new() { HasTextString = "1" }).First.ClickAsync();
        await keys.Filter(new() { HasTextString = "2" }).First.ClickAsync();
        Assert.Equal("12", await page.InputValueAsync("#current"));
        await screens.ShotAsync("on-screen-keyboard");

        // Reopened, the layout is shuffled anew (36! layouts: equal twice in a row only by a broken shuffle).
        await page.ClickAsync("button.osk-toggle[data-for=current]");
        await page.ClickAsync("button.osk-toggle[data-for=current]");
        string second = (await page.Locator(".osk button").AllTextContentsAsync()).Take(36).Aggregate(string.Empty, (a, b) => a + b);
        Assert.NotEqual(first, second);
        Assert.Equal(first.OrderBy(c => c), second.OrderBy(c => c));
        foreach (string id in new[] { "current", "newPin", "confirmation", "serial" })
        {
            Assert.Equal(1, await page.Locator($"label[for={id}]").CountAsync());
        }
    }

    [Fact]
    public async Task Pin_change_refuses_a_pin_with_the_holders_name_from_the_token_live_and_on_the_server()
    {
        await using AgentWorld world = await AgentWorld.StartAsync();
        (string _, string storagePin) = world.PrepareToken("E150", "Hanako Sato");
        KagiRun enrolled = world.Kagi.Run($"{storagePin}\n{WizardTests.NewPin}\n", TimeSpan.FromSeconds(120), "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json");
        Assert.True(enrolled.ExitCode == 0, enrolled.All);
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Pin_change_refuses_a_pin_with_the_holders_name_from_the_token_live_and_on_the_server));

        // Live: the name on the token's certificate refuses hanako12, as the CLI does; the Change button stays disabled.
        await page.GotoAsync(world.Agent.Url + "/pin");
        await page.FillAsync("#current", WizardTests.NewPin);
        await page.FillAsync("#newPin", "hanako12");
        await page.FillAsync("#confirmation", "hanako12");
        await Expect(page.Locator("#newPin-error")).ToContainTextAsync("氏名が含まれています");
        await Expect(page.Locator("#strength")).ToHaveAttributeAsync("data-level", "low");
        await Expect(page.Locator("#change")).ToBeDisabledAsync();
        await screens.ShotAsync("name-refused-live");

        // Server side: the form posted past the script is refused with the same reason; the token keeps its PIN.
        IResponse response = await page.RunAndWaitForResponseAsync(
            () => page.EvalOnSelectorAsync("#pin-change", "f => f.submit()"), r => r.Request.Method == "POST" && r.Url.EndsWith("/pin", StringComparison.Ordinal));
        Assert.Equal(400, response.Status);
        await Expect(page.Locator("#pin-result")).ToHaveCountAsync(0);
        await Expect(page.Locator("#newPin-error")).ToContainTextAsync("氏名が含まれています");
        await screens.ShotAsync("name-refused-server");

        await page.GotoAsync(world.Agent.Url + "/tokens");
        await page.ClickAsync("#token-list a");
        await page.FillAsync("#pin", WizardTests.NewPin);
        await page.ClickAsync("#login");
        await Expect(page.Locator("#login-status")).ToBeVisibleAsync();
        await page.ClickAsync("#logout");

        // Without the name the change goes through.
        await page.GotoAsync(world.Agent.Url + "/pin");
        await page.FillAsync("#current", WizardTests.NewPin);
        await page.FillAsync("#newPin", "k7v2m9x4");
        await page.FillAsync("#confirmation", "k7v2m9x4");
        await Expect(page.Locator("#change")).ToBeEnabledAsync();
        await page.ClickAsync("#change");
        await Expect(page.Locator("#pin-result")).ToBeVisibleAsync();
    }
}
