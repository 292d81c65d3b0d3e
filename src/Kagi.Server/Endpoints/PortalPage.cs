using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Endpoints;

/// <summary>
/// The application portal (<c>GET /portal</c>): a user-facing page that finds the Kagi agent on the user's PC through its
/// WebSocket API (ws://127.0.0.1:PORT/ws), reads the attached token's serial and model into the application form, says
/// what to do when no agent answers, and sends the user to the agent's own storage wizard (PINs are typed only there).
/// The agent port is <c>Kagi:Portal:AgentPort</c> (default 47110); <c>?agentPort=</c> overrides it for one page view.
/// </summary>
public static class PortalPage
{
    private const int DefaultAgentPort = 47110;

    /// <summary>Maps GET /portal and GET /portal/portal.js.</summary>
    public static void MapPortalPage(this WebApplication app)
    {
        app.MapGet("/portal", Page).ExcludeFromDescription();
        app.MapGet("/portal/portal.js", Script).ExcludeFromDescription();
    }

    private static ContentHttpResult Page(HttpContext context, IConfiguration configuration, int? agentPort)
    {
        int port = agentPort is >= 1024 and <= 65535 ? agentPort.Value : configuration.GetValue("Kagi:Portal:AgentPort", DefaultAgentPort);
        string ws = $"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        context.Response.Headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' {ws}; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        string html = Read("portal.html").Replace("{{AGENT_PORT}}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
    }

    private static ContentHttpResult Script() => TypedResults.Content(Read("portal.js"), "text/javascript; charset=utf-8", Encoding.UTF8);

    private static string Read(string name)
    {
        using Stream stream = typeof(PortalPage).Assembly.GetManifestResourceStream("Kagi.Server.Portal." + name)
            ?? throw new InvalidOperationException(name + " is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
