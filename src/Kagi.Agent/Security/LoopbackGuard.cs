using Kagi.Agent.Hosting;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Security;

/// <summary>
/// The checks every request to the agent passes first: the Host header must name the loopback address the agent
/// serves (a DNS-rebinding page arrives with its own host name); WebSocket handshakes must come from the agent's own
/// origin or a configured portal origin; requests that change state (any method but GET/HEAD) must carry the
/// <see cref="RunToken"/> and, when the browser sends an Origin, come from the agent's own origin.
/// </summary>
public sealed class LoopbackGuard(RequestDelegate next, AgentOrigins origins, RunToken runToken)
{
    /// <summary>Applies the checks; refused requests end with 421 (wrong host) or 403.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        string host = context.Request.Host.Value ?? string.Empty;
        if (!origins.IsOwnHost(host))
        {
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return;
        }

        string? origin = context.Request.Headers.Origin.Count == 1 ? context.Request.Headers.Origin[0] : null;
        // Judged from the headers too, so the check holds whatever the middleware order.
        bool upgrade = context.WebSockets.IsWebSocketRequest ||
            context.Request.Headers.Upgrade.Any(u => u is not null && u.Contains("websocket", StringComparison.OrdinalIgnoreCase));
        if (upgrade)
        {
            if (origin is null || !origins.IsAllowedForWebSocket(origin))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }
        else if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            if ((origin is not null && !origins.IsOwn(origin)) || !await HasRunTokenAsync(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-store";
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the agent's own form posts.
        context.Response.Headers["Referrer-Policy"] = "same-origin";
        context.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; connect-src 'self' ws://" + host;
        await next(context);
    }

    private async Task<bool> HasRunTokenAsync(HttpRequest request)
    {
        if (request.Headers.TryGetValue(RunToken.HeaderName, out var header))
        {
            return runToken.Matches(header.ToString());
        }

        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync();
            return runToken.Matches(form[RunToken.FieldName].ToString());
        }

        return false;
    }
}
