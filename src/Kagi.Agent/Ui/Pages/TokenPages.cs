using System.Globalization;
using System.Text;
using Kagi.Agent.Devices;
using Kagi.Agent.Security;
using Kagi.Pkcs11;
using Kagi.Tokens;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui.Pages;

/// <summary>The management tool: token list, one token (PIN state, log in/out, certificates), certificate details and export.</summary>
internal static class TokenPages
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/tokens", List);
        app.MapGet("/tokens/{serial}", Show);
        app.MapPost("/tokens/{serial}/login", Login);
        app.MapPost("/tokens/{serial}/logout", Logout);
        app.MapGet("/tokens/{serial}/certs/{sha256}", Certificate);
        app.MapGet("/tokens/{serial}/certs/{sha256}/export", Export);
    }

    private static async Task<IResult> List(HttpContext context, RunToken token, DeviceHub hub)
    {
        Texts t = Texts.For(context);
        TokenInfo[] tokens = await hub.Use(d => d.List().Select(a => a.Refresh()).ToArray());
        var body = new StringBuilder();
        if (tokens.Length == 0)
        {
            body.Append("<p id=\"no-tokens\">").Append(Html.E(t["NoTokens"])).Append("</p>");
        }
        else
        {
            body.Append("<table id=\"token-list\"><caption>").Append(Html.E(t["TokenListCaption"])).Append("</caption><thead><tr>")
                .Append("<th scope=\"col\">").Append(Html.E(t["Serial"])).Append("</th><th scope=\"col\">").Append(Html.E(t["Label"]))
                .Append("</th><th scope=\"col\">").Append(Html.E(t["Manufacturer"])).Append("</th><th scope=\"col\">").Append(Html.E(t["Model"]))
                .Append("</th><th scope=\"col\">").Append(Html.E(t["PinState"])).Append("</th></tr></thead><tbody>");
            foreach (TokenInfo info in tokens)
            {
                body.Append("<tr><td><a href=\"/tokens/").Append(Uri.EscapeDataString(info.Serial)).Append("\">").Append(Html.E(info.Serial))
                    .Append("</a></td><td>").Append(Html.E(info.Label)).Append("</td><td>").Append(Html.E(info.Manufacturer))
                    .Append("</td><td>").Append(Html.E(info.Model)).Append("</td><td>").Append(Html.E(PinDescriptions.State(t, info.PinState))).Append("</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        body.Append("<p><a href=\"/\">").Append(Html.E(t["BackToMenu"])).Append("</a></p>");
        return Html.Page(context, t, t["TokenListTitle"], body.ToString(), token);
    }

    private static Task<IResult> Show(HttpContext context, string serial, RunToken token, DeviceHub hub, LoginSessions logins, PinAttempts attempts) =>
        Render(context, serial, token, hub, logins, attempts, null, 200);

    private static async Task<IResult> Render(HttpContext context, string serial, RunToken token, DeviceHub hub, LoginSessions logins, PinAttempts attempts, string? loginError, int status, string? confirmError = null)
    {
        Texts t = Texts.For(context);
        (TokenInfo? info, IReadOnlyList<TokenCertificate> certificates) = await ReadAsync(hub, logins, serial);
        if (info is null)
        {
            return Html.Page(context, t, t["TokenTitle"], $"<p role=\"alert\">{Html.E(t.Format("TokenNotAttached", serial))}</p><p><a href=\"/tokens\">{Html.E(t["TokenListTitle"])}</a></p>", token, 404);
        }

        bool loggedIn = logins.IsLoggedIn(serial);
        string path = "/tokens/" + Uri.EscapeDataString(info.Serial);
        var body = new StringBuilder();
        body.Append("<dl class=\"facts\">")
            .Append(Fact(t["Serial"], info.Serial, "token-serial")).Append(Fact(t["Label"], info.Label)).Append(Fact(t["Manufacturer"], info.Manufacturer))
            .Append(Fact(t["Model"], info.Model)).Append(Fact(t["PinState"], PinDescriptions.State(t, info.PinState), "pin-state"))
            .Append(Fact(t["PinAttemptsCounted"], attempts.Count(info.Serial, PinAttemptKind.UserPin).ToString(CultureInfo.InvariantCulture), "pin-attempts"))
            .Append("</dl>");
        if (PinDescriptions.Advice(t, info.PinState) is { } advice)
        {
            body.Append("<p id=\"pin-advice\" class=\"warning\" role=\"alert\">").Append(Html.E(advice)).Append("</p>");
        }

        if (loggedIn)
        {
            body.Append("<p id=\"login-status\">").Append(Html.E(t["LoggedIn"])).Append("</p>")
                .Append(Html.Form(path + "/logout", token)).Append("<button type=\"submit\" id=\"logout\">").Append(Html.E(t["Logout"])).Append("</button></form>");
        }
        else if (info.PinState != PinState.Locked)
        {
            body.Append(Html.Form(path + "/login", token, "class=\"pin-form\""))
                .Append(PinField.Render(t, "pin", t["UserPin"], loginError, autofocus: false))
                .Append(info.PinState == PinState.FinalTry ? FinalTryConfirmation.Render(t, confirmError) : string.Empty)
                .Append("<button type=\"submit\" id=\"login\">").Append(Html.E(t["Login"])).Append("</button></form>");
        }

        body.Append("<h2>").Append(Html.E(t["Certificates"])).Append("</h2>");
        if (certificates.Count == 0)
        {
            body.Append("<p id=\"no-certificates\">").Append(Html.E(t["NoCertificates"])).Append("</p>");
        }
        else
        {
            body.Append("<table id=\"certificates\"><thead><tr><th scope=\"col\">").Append(Html.E(t["Subject"])).Append("</th><th scope=\"col\">")
                .Append(Html.E(t["CertSerial"])).Append("</th><th scope=\"col\">").Append(Html.E(t["NotAfter"])).Append("</th><th scope=\"col\">")
                .Append(Html.E(t["Kind"])).Append("</th></tr></thead><tbody>");
            foreach (TokenCertificate c in certificates)
            {
                body.Append("<tr><td><a href=\"").Append(path).Append("/certs/").Append(c.Sha256).Append("\">").Append(Html.E(c.Subject)).Append("</a></td><td>")
                    .Append(Html.E(c.SerialNumber)).Append("</td><td>").Append(Html.E(Date(c.NotAfter))).Append("</td><td>")
                    .Append(Html.E(c.IsCa ? t["KindCa"] : t["KindUser"])).Append("</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        body.Append("<p><a href=\"/pin?serial=").Append(Uri.EscapeDataString(info.Serial)).Append("\">").Append(Html.E(t["MenuPin"])).Append("</a> · <a href=\"/tokens\">")
            .Append(Html.E(t["TokenListTitle"])).Append("</a></p>");
        return Html.Page(context, t, t.Format("TokenTitleWith", info.Label), body.ToString(), token, status);
    }

    private static async Task<IResult> Login(HttpContext context, string serial, RunToken token, DeviceHub hub, LoginSessions logins, PinAttempts attempts)
    {
        Texts t = Texts.For(context);
        IFormCollection form = await context.Request.ReadFormAsync();
        string pin = form["pin"].ToString();
        if (pin.Length == 0 || pin.Length > 64)
        {
            return await Render(context, serial, token, hub, logins, attempts, t["PolicyEmpty"], 400);
        }

        // As the CLI does: the final try needs an explicit yes; without it the PIN does not reach the token.
        if (!FinalTryConfirmation.Given(form) && await PinStateAsync(hub, serial) == PinState.FinalTry)
        {
            return await Render(context, serial, token, hub, logins, attempts, null, 400, t["FinalTryNotConfirmed"]);
        }

        if (!attempts.TryBegin(serial, PinAttemptKind.UserPin))
        {
            return await Render(context, serial, token, hub, logins, attempts, t["TooManyAttempts"], 429);
        }

        string? error = await hub.Use(d =>
        {
            AttachedToken attached = d.Select(serial);
            TokenSession session = TokenSession.Open(attached);
            LoginResult result;
            using (PinBuffer buffer = PinBuffer.FromChars(pin))
            {
                result = session.TryLogin(buffer);
            }

            if (result.LoggedIn)
            {
                logins.Keep(attached.Info.Serial, session);
                return null;
            }

            session.Dispose();
            return result.Outcome == LoginOutcome.Locked ? t["AdviceLocked"] : t.Format("WrongPin", PinDescriptions.State(t, result.PinState));
        });
        return error is null ? Results.Redirect("/tokens/" + Uri.EscapeDataString(serial)) : await Render(context, serial, token, hub, logins, attempts, error, 400);
    }

    private static async Task<IResult> Logout(string serial, DeviceHub hub, LoginSessions logins)
    {
        await hub.Use(_ =>
        {
            logins.End(serial);
            return true;
        });
        return Results.Redirect("/tokens/" + Uri.EscapeDataString(serial));
    }

    private static async Task<IResult> Certificate(HttpContext context, string serial, string sha256, RunToken token, DeviceHub hub, LoginSessions logins)
    {
        Texts t = Texts.For(context);
        (TokenInfo? info, IReadOnlyList<TokenCertificate> certificates) = await ReadAsync(hub, logins, serial);
        TokenCertificate? c = certificates.FirstOrDefault(x => string.Equals(x.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
        if (info is null || c is null)
        {
            return Html.Page(context, t, t["CertificateTitle"], $"<p role=\"alert\">{Html.E(t["CertificateNotFound"])}</p>", token, 404);
        }

        string path = $"/tokens/{Uri.EscapeDataString(info.Serial)}/certs/{c.Sha256}";
        var body = new StringBuilder("<dl class=\"facts\" id=\"certificate-details\">");
        body.Append(Fact(t["CertSerial"], c.SerialNumber, "cert-serial")).Append(Fact(t["Subject"], c.Subject, "cert-subject"))
            .Append(Fact(t["Issuer"], c.Issuer)).Append(Fact(t["NotBefore"], Date(c.NotBefore))).Append(Fact(t["NotAfter"], Date(c.NotAfter)))
            .Append(Fact(t["CertificateId"], c.CertificateId, "cert-id")).Append(Fact(t["Label"], c.Label))
            .Append(Fact(t["KeyAlgorithm"], c.Curve is null ? $"{c.KeyAlgorithm} {c.KeySize}" : $"{c.KeyAlgorithm} {c.Curve}"))
            .Append(Fact("SHA-1", Colons(c.Sha1))).Append(Fact("SHA-256", Colons(c.Sha256), "cert-sha256")).Append("</dl>")
            .Append("<p>").Append(Html.E(t["ExportNote"])).Append("</p><ul class=\"actions\">")
            .Append("<li><a id=\"export-der\" href=\"").Append(path).Append("/export?format=der\" download>").Append(Html.E(t["ExportDer"])).Append("</a></li>")
            .Append("<li><a id=\"export-pem\" href=\"").Append(path).Append("/export?format=pem\" download>").Append(Html.E(t["ExportPem"])).Append("</a></li></ul>")
            .Append("<p><a href=\"/tokens/").Append(Uri.EscapeDataString(info.Serial)).Append("\">").Append(Html.E(t["BackToToken"])).Append("</a></p>");
        return Html.Page(context, t, t["CertificateTitle"], body.ToString(), token);
    }

    private static async Task<IResult> Export(string serial, string sha256, string? format, DeviceHub hub, LoginSessions logins)
    {
        if (format is not ("der" or "pem"))
        {
            return Results.BadRequest();
        }

        (TokenInfo? info, IReadOnlyList<TokenCertificate> certificates) = await ReadAsync(hub, logins, serial);
        TokenCertificate? c = certificates.FirstOrDefault(x => string.Equals(x.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
        if (info is null || c is null)
        {
            return Results.NotFound();
        }

        // Public data only: the exporter has no way to reach a private key.
        ExportFormat kind = format == "der" ? ExportFormat.Der : ExportFormat.Pem;
        byte[] data = CertificateExporter.Export(c, kind, includeChain: false, certificates);
        string name = $"{(c.CertificateId.Length > 0 ? c.CertificateId : c.SerialNumber)}.{(kind == ExportFormat.Der ? "cer" : "pem")}";
        return Results.File(data, kind == ExportFormat.Der ? "application/pkix-cert" : "application/x-pem-file", name);
    }

    /// <summary>The PIN state the token reports now; null when it is not attached.</summary>
    internal static Task<PinState?> PinStateAsync(DeviceHub hub, string serial) =>
        hub.Use<PinState?>(d => d.List().FirstOrDefault(a => string.Equals(a.Info.Serial, serial, StringComparison.OrdinalIgnoreCase))?.Refresh().PinState);

    /// <summary>The token's information and certificates (through the login session when logged in); null info when not attached.</summary>
    internal static Task<(TokenInfo? Info, IReadOnlyList<TokenCertificate> Certificates)> ReadAsync(DeviceHub hub, LoginSessions logins, string serial) =>
        hub.Use<(TokenInfo?, IReadOnlyList<TokenCertificate>)>(d =>
        {
            AttachedToken? attached = d.List().FirstOrDefault(a => string.Equals(a.Info.Serial, serial, StringComparison.OrdinalIgnoreCase));
            if (attached is null)
            {
                logins.End(serial);
                return (null, []);
            }

            try
            {
                if (logins.Find(attached.Info.Serial) is { } kept)
                {
                    return (attached.Refresh(), CertificateReader.Read(kept));
                }

                using TokenSession session = TokenSession.Open(attached);
                return (attached.Refresh(), CertificateReader.Read(session));
            }
            catch (Exception e) when (e is KagiException or Pkcs11Exception)
            {
                logins.End(attached.Info.Serial);
                return (null, []);
            }
        });

    private static string Fact(string term, string value, string? id = null) =>
        $"<div><dt>{Html.E(term)}</dt><dd{(id is null ? string.Empty : $" id=\"{id}\"")}>{Html.E(value)}</dd></div>";

    private static string Date(DateTimeOffset value) => value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string Colons(string hex) => string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
}
