using Kagi.Agent.BrowserTests.Infrastructure;
using Kagi.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kagi.Agent.BrowserTests.Browser;

/// <summary>
/// The agent's PIN state pages on opencryptoki's soft token, the token here that really locks (three wrong user PINs;
/// SoftHSM2 never does). The SO sets the user PIN back (C_InitPIN) afterwards, also when an assertion fails, so the
/// token is left as scripts/opencryptoki.env documents it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PinLockoutTests(BrowserFixture browser)
{
    private const string WrongPin = "000000";

    [Fact]
    public async Task Wrong_pins_count_down_to_a_lock_that_refuses_the_right_pin_and_tells_the_user_to_ask_the_ca_operator()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        OpencryptokiToken ock = OpencryptokiToken.Read();
        using var kagi = new KagiRunner { Module = ock.Module };
        using AgentProcess agent = AgentProcess.Start(kagi, []);
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Wrong_pins_count_down_to_a_lock_that_refuses_the_right_pin_and_tells_the_user_to_ask_the_ca_operator));
        ILocator row = page.Locator("#token-list tbody tr", new() { HasTextString = ock.Label });

        await page.GotoAsync(agent.Url + "/tokens");
        await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("正常");
        string serial = (await row.Locator("a").TextContentAsync())!.Trim();
        string tokenPage = agent.Url + "/tokens/" + Uri.EscapeDataString(serial);
        try
        {
            await page.GotoAsync(tokenPage);
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("正常");
            await Expect(page.Locator("#pin-advice")).ToHaveCountAsync(0);

            // First wrong PIN: count low.
            await LogInAsync(page, WrongPin);
            await Expect(page.Locator("#pin-error")).ToHaveTextAsync("PIN が正しくありません。PIN の状態: PIN 誤入力あり");
            await Expect(page.Locator("#pin")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("PIN 誤入力あり");
            await Expect(page.Locator("#pin-advice")).ToHaveTextAsync("PIN の誤入力がありました。さらに続けて誤るとトークンがロックされます。");
            await screens.ShotAsync("count-low");

            // Second: final try, with the warning that the next wrong PIN locks the token.
            await LogInAsync(page, WrongPin);
            await Expect(page.Locator("#pin-error")).ToHaveTextAsync("PIN が正しくありません。PIN の状態: 残り 1 回");
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("残り 1 回");
            await Expect(page.Locator("#pin-advice")).ToHaveTextAsync("注意: 次に PIN を誤るとトークンがロックされます。");
            await Expect(page.Locator("#pin-attempts")).ToHaveTextAsync("2");

            // As in the CLI, the final try needs an explicit yes: a required checkbox, checked again by the agent.
            ILocator confirm = page.Locator("#confirmFinalTry");
            await Expect(confirm).ToHaveAttributeAsync("required", string.Empty);
            await Expect(page.Locator("label[for=confirmFinalTry]")).ToContainTextAsync("トークンがロックされ");
            await screens.ShotAsync("final-try");
            Assert.Equal(400, await PostAsync(page, "/tokens/" + Uri.EscapeDataString(serial) + "/login", new() { ["pin"] = WrongPin }));
            await page.ReloadAsync();
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("残り 1 回"); // the PIN never reached the token
            await Expect(page.Locator("#pin-attempts")).ToHaveTextAsync("2");
            await page.FillAsync("#pin", WrongPin);
            Assert.False(await confirm.EvaluateAsync<bool>("e => e.form.checkValidity()")); // the browser holds the form back until the box is checked

            // The PIN change page asks for the same yes before sending the current PIN to the token.
            await page.GotoAsync(agent.Url + "/pin?serial=" + Uri.EscapeDataString(serial));
            await Expect(page.Locator("#serial option:checked")).ToContainTextAsync("残り 1 回");
            await Expect(page.Locator("#confirmFinalTry")).ToHaveAttributeAsync("required", string.Empty);
            Assert.Equal(400, await PostAsync(page, "/pin", new() { ["serial"] = serial, ["current"] = WrongPin, ["newPin"] = "k7d4m2x9", ["confirmation"] = "k7d4m2x9" }));
            await page.GotoAsync(tokenPage);
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("残り 1 回");
            await Expect(page.Locator("#pin-attempts")).ToHaveTextAsync("2");

            // Third, confirmed: locked. The page says what to do, and offers no PIN field any more.
            await confirm.CheckAsync();
            await LogInAsync(page, WrongPin);
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("ロック中");
            await Expect(page.Locator("#pin-advice")).ToContainTextAsync("トークンはロックされています");
            await Expect(page.Locator("#pin-advice")).ToContainTextAsync("認証局運用員にロック解除を申請してください");
            await Expect(page.Locator("#pin")).ToHaveCountAsync(0);
            await Expect(page.Locator("#login")).ToHaveCountAsync(0);
            await screens.ShotAsync("locked");

            // The right PIN, posted as the page's own form would (the page no longer offers one), is refused.
            int status = await PostAsync(page, "/tokens/" + Uri.EscapeDataString(serial) + "/login", new() { ["pin"] = ock.UserPin, ["confirmFinalTry"] = "yes" });
            Assert.Equal(400, status);
            await page.ReloadAsync();
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("ロック中");
            await Expect(page.Locator("#login-status")).ToHaveCountAsync(0);

            // The right PIN on the PIN change page is refused too, with the same advice.
            await page.GotoAsync(agent.Url + "/pin?serial=" + Uri.EscapeDataString(serial));
            await Expect(page.Locator("#serial option:checked")).ToContainTextAsync("ロック中");
            await Expect(page.Locator("#pin-advice")).ToContainTextAsync("ロック解除を申請してください");
            await page.FillAsync("#current", ock.UserPin);
            await page.FillAsync("#newPin", "k7d4m2x9");
            await page.FillAsync("#confirmation", "k7d4m2x9");
            await Expect(page.Locator("#change")).ToBeEnabledAsync();
            await page.ClickAsync("#change");
            await Expect(page.Locator("#current-error")).ToContainTextAsync("トークンはロックされています");
            await Expect(page.Locator("#pin-result")).ToHaveCountAsync(0);
            await screens.ShotAsync("pin-change-locked");

            // The token list shows the lock too.
            await page.GotoAsync(agent.Url + "/tokens");
            await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("ロック中");
            await screens.ShotAsync("token-list-locked");

            // English.
            await page.GotoAsync(tokenPage + "?lang=en");
            await Expect(page.Locator("#pin-state")).ToHaveTextAsync("locked");
            await Expect(page.Locator("#pin-advice")).ToContainTextAsync("ask your CA operator to unlock it");
            await page.GotoAsync(tokenPage + "?lang=ja");
        }
        finally
        {
            ock.ResetUserPin();
        }

        // Unlocked by the SO: the documented user PIN opens the token again.
        await page.GotoAsync(tokenPage);
        await Expect(page.Locator("#pin-state")).ToHaveTextAsync("正常");
        await LogInAsync(page, ock.UserPin);
        await Expect(page.Locator("#login-status")).ToBeVisibleAsync();
        await Expect(page.Locator("#pin-state")).ToHaveTextAsync("正常");
        await screens.ShotAsync("unlocked");
        await page.ClickAsync("#logout");
        await Expect(page.Locator("#login")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pin_change_with_a_wrong_current_pin_changes_nothing_and_shows_the_pin_state()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        OpencryptokiToken ock = OpencryptokiToken.Read();
        using var kagi = new KagiRunner { Module = ock.Module };
        using AgentProcess agent = AgentProcess.Start(kagi, []);
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Pin_change_with_a_wrong_current_pin_changes_nothing_and_shows_the_pin_state));

        await page.GotoAsync(agent.Url + "/tokens");
        ILocator row = page.Locator("#token-list tbody tr", new() { HasTextString = ock.Label });
        string serial = (await row.Locator("a").TextContentAsync())!.Trim();
        try
        {
            await page.GotoAsync(agent.Url + "/pin?serial=" + Uri.EscapeDataString(serial));
            await page.FillAsync("#current", WrongPin);
            await page.FillAsync("#newPin", "k7d4m2x9");
            await page.FillAsync("#confirmation", "k7d4m2x9");
            await Expect(page.Locator("#change")).ToBeEnabledAsync();
            await page.ClickAsync("#change");
            await Expect(page.Locator("#current-error")).ToHaveTextAsync("PIN が正しくありません。PIN の状態: PIN 誤入力あり");
            await Expect(page.Locator("#current")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#serial option:checked")).ToContainTextAsync("PIN 誤入力あり");
            await Expect(page.Locator("#pin-advice")).ToHaveTextAsync("PIN の誤入力がありました。さらに続けて誤るとトークンがロックされます。");
            await Expect(page.Locator("#pin-result")).ToHaveCountAsync(0);
            await screens.ShotAsync("wrong-current-pin");

            // Nothing changed: the documented PIN still opens the token (and a successful login clears the count).
            await page.GotoAsync(agent.Url + "/tokens/" + Uri.EscapeDataString(serial));
            await LogInAsync(page, ock.UserPin);
            await Expect(page.Locator("#login-status")).ToBeVisibleAsync();
            await page.ClickAsync("#logout");
            await Expect(page.Locator("#login")).ToBeVisibleAsync();
        }
        finally
        {
            ock.ResetUserPin();
        }
    }

    /// <summary>Posts a form from the page as its own forms would (same origin, with the run token); returns the status.</summary>
    private static Task<int> PostAsync(IPage page, string path, Dictionary<string, string> fields) =>
        page.EvaluateAsync<int>(
            """
            async ([path, fields]) => {
              const body = new URLSearchParams(fields);
              body.set('_rt', document.querySelector('meta[name=kagi-run-token]').content);
              const response = await fetch(path, { method: 'POST', body, redirect: 'manual' });
              return response.status;
            }
            """,
            new object[] { path, fields });

    private static async Task LogInAsync(IPage page, string pin)
    {
        await page.FillAsync("#pin", pin);
        await page.ClickAsync("#login");
        await page.WaitForLoadStateAsync();
    }
}
