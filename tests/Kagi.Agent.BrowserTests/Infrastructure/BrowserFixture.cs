using Microsoft.Playwright;

namespace Kagi.Agent.BrowserTests.Infrastructure;

/// <summary>
/// One headless Debian Chromium (/usr/bin/chromium) driven by Playwright for the browser tests. Playwright never
/// downloads a browser here; the flags keep Chromium off the (closed) network.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The machines running these tests are shared and often loaded; waits are generous, assertions still exact.
        Assertions.SetDefaultExpectTimeout(20_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,

            // A cold start (Chromium's files not yet cached) beside another test assembly on a busy machine can exceed
            // Playwright's 30 s default; every browser test depends on this one launch.
            Timeout = 120_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>
    /// A fresh page (own context: no cookies shared between tests), Japanese locale, with a screenshot recorder.
    /// <paramref name="trustAnyTls"/> accepts the test server's development TLS certificate (portal pages).
    /// </summary>
    public async Task<(IPage Page, Screens Screens)> NewPageAsync(string testName, bool trustAnyTls = false)
    {
        IBrowserContext context = await Browser.NewContextAsync(new() { Locale = "ja-JP", ViewportSize = new() { Width = 1000, Height = 900 }, AcceptDownloads = true, IgnoreHTTPSErrors = trustAnyTls });
        IPage page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return (page, new Screens(page, testName));
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}

/// <summary>Saves numbered full-page screenshots under the test output folder: screenshots/TEST/NN-NAME.png.</summary>
public sealed class Screens(IPage page, string testName)
{
    private int _n;

    public static string Root => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string Folder { get; } = Path.Combine(Root, testName);

    public async Task ShotAsync(string name)
    {
        Directory.CreateDirectory(Folder);
        string file = Path.Combine(Folder, $"{++_n:00}-{name}.png");
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 1000, "empty screenshot " + file);
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Chromium";
}
