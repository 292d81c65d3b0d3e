using Kagi.Agent.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kagi.Agent.BrowserTests.Browser;

/// <summary>The server's application portal page talking to the agent from the browser, and the agent refusing foreign origins.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalTests(BrowserFixture browser)
{
    [Fact]
    public async Task Portal_page_reads_the_token_serial_and_model_through_the_agent_and_leads_to_its_wizard()
    {
        await using AgentWorld world = await AgentWorld.StartAsync(allowServerOrigin: true);
        (string serial, _) = world.PrepareToken("E200", "Goro Ikeda");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Portal_page_reads_the_token_serial_and_model_through_the_agent_and_leads_to_its_wizard), trustAnyTls: true);

        await page.GotoAsync($"{world.Server.Url}/portal?agentPort={world.Agent.Port}");
        await Expect(page.Locator("#agent-status")).ToContainTextAsync("Kagi エージェント");
        await Expect(page.Locator("#agent-status")).ToContainTextAsync("検出しました");
        await Expect(page.Locator("#serial")).ToHaveValueAsync(serial, new() { Timeout = 20_000 });
        await Expect(page.Locator("#model")).ToHaveValueAsync("SoftHSM v2");
        await Expect(page.Locator("#manufacturer")).ToHaveValueAsync("SoftHSM project");
        Assert.Equal(0, await page.Locator("input[type=password]").CountAsync()); // no PIN is ever typed into the portal
        await screens.ShotAsync("portal-with-token");

        await page.ClickAsync("#open-wizard");
        await page.WaitForURLAsync(world.Agent.Url + "/wizard");
        await Expect(page.Locator("h1")).ToHaveTextAsync("電子証明書の格納");
        await Expect(page.Locator($"input[name=serial][value='{serial}']")).ToBeVisibleAsync();
        await screens.ShotAsync("agent-wizard-from-portal");
    }

    [Fact]
    public async Task Page_from_an_origin_not_on_the_allow_list_is_refused_and_the_portal_says_no_agent_answers()
    {
        await using AgentWorld world = await AgentWorld.StartAsync(); // the server's origin is not allowed
        world.InsertToken("portal-foreign");
        (IPage page, Screens screens) = await browser.NewPageAsync(nameof(Page_from_an_origin_not_on_the_allow_list_is_refused_and_the_portal_says_no_agent_answers), trustAnyTls: true);

        await page.GotoAsync($"{world.Server.Url}/portal?agentPort={world.Agent.Port}");
        await Expect(page.Locator("#no-agent")).ToBeVisibleAsync();
        await Expect(page.Locator("#no-agent")).ToContainTextAsync("kagi agent");
        await Expect(page.Locator("#application")).ToBeHiddenAsync();
        await screens.ShotAsync("foreign-origin-refused");

        // The refusal is the agent's: the same handshake from this page never opens, while the agent is up and serves its own page.
        bool opened = await page.EvaluateAsync<bool>(
            "port => new Promise(done => { const s = new WebSocket('ws://127.0.0.1:' + port + '/ws'); s.onopen = () => done(true); s.onclose = () => done(false); })",
            world.Agent.Port);
        Assert.False(opened);
        IPage own = await page.Context.NewPageAsync();
        await own.GotoAsync(world.Agent.Url + "/tokens");
        await Expect(own.Locator("#token-list")).ToContainTextAsync("portal-foreign", new() { Timeout = 20_000 });

        // With no agent at all the portal shows the same start/download hint.
        await page.GotoAsync($"{world.Server.Url}/portal?agentPort=1029");
        await Expect(page.Locator("#no-agent")).ToBeVisibleAsync();
        await screens.ShotAsync("no-agent");
    }
}
