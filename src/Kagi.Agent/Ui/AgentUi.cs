using System.Text;
using System.Text.Json;
using Kagi.Agent.Devices;
using Kagi.Agent.Security;
using Kagi.Agent.Ui.Pages;
using Kagi.Agent.Wizard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui;

/// <summary>Maps the agent's own web UI: start menu, management tool, PIN change, storage wizard, and their static files.</summary>
public static class AgentUi
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    /// <summary>Maps every page.</summary>
    public static void MapAgentUi(this WebApplication app)
    {
        app.MapGet("/static/{name}", Static);
        app.MapGet("/", Menu);
        app.MapPost("/api/pin-check", PinCheck);
        TokenPages.Map(app);
        PinPages.Map(app);
        WizardPages.Map(app);
    }

    private static IResult Static(string name)
    {
        string extension = Path.GetExtension(name);
        if (!ContentTypes.TryGetValue(extension, out string? type) || name.Contains('/', StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        Stream? stream = typeof(AgentUi).Assembly.GetManifestResourceStream("Kagi.Agent.Static." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }

    private static IResult Menu(HttpContext context, RunToken token, DeviceHub hub)
    {
        Texts t = Texts.For(context);
        var body = new StringBuilder();
        body.Append("<p>").Append(Html.E(t["MenuIntro"])).Append("</p><ul class=\"menu\">")
            .Append("<li><a id=\"menu-wizard\" href=\"/wizard\">").Append(Html.E(t["MenuStore"])).Append("</a></li>")
            .Append("<li><a id=\"menu-pin\" href=\"/pin\">").Append(Html.E(t["MenuPin"])).Append("</a></li>")
            .Append("<li><a id=\"menu-tokens\" href=\"/tokens\">").Append(Html.E(t["MenuViewer"])).Append("</a></li></ul>");
        int count = hub.Current.Count;
        body.Append("<p id=\"token-count\">").Append(Html.E(count == 0 ? t["NoTokens"] : t.Format("TokensAttached", count))).Append("</p>");
        return Html.Page(context, t, t["MenuTitle"], body.ToString(), token);
    }

    /// <summary>
    /// POST /api/pin-check (run token header): checks a new PIN for the live strength meter and the Next/Change
    /// buttons. The body is JSON {current, newPin, confirmation, wizard, serial}; the reply never echoes a PIN. The name
    /// rule uses the wizard's user (wizard pages) or the holder's names on the token with that serial (the PIN change
    /// page, as <c>kagi pin change</c> and the change itself do).
    /// </summary>
    private static async Task<IResult> PinCheck(HttpContext context, WizardStore wizards, DeviceHub hub)
    {
        Texts t = Texts.For(context);
        PinCheckRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<PinCheckRequest>(context.Request.Body, Api.ProtocolMessages.Json, context.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        if (request is null || request.NewPin is null || request.NewPin.Length > 64 || request.Confirmation?.Length > 64 || request.Current?.Length > 64)
        {
            return Results.BadRequest();
        }

        IReadOnlyList<string> names = [];
        if (request.Wizard is not null)
        {
            names = wizards.Find(request.Wizard)?.User is { } user ? [user.RomanizedName] : [];
        }
        else if (request.Serial is { Length: > 0 and <= 64 })
        {
            try
            {
                names = await PinPages.HolderNamesAsync(hub, request.Serial);
            }
            catch (Kagi.Tokens.KagiException)
            {
                // The token is gone (the page's notice says so); the change itself reads the names again.
            }
        }

        NewPinCheck check = PinDescriptions.Check(t, request.Current ?? string.Empty, request.NewPin, request.Confirmation ?? string.Empty, names);
        return Results.Json(check, Api.ProtocolMessages.Json);
    }

    private sealed record PinCheckRequest(string? Current, string? NewPin, string? Confirmation, string? Wizard, string? Serial);
}
