using System.Text;
using Kagi.Agent.Devices;
using Kagi.Agent.Security;
using Kagi.Pkcs11;
using Kagi.Tokens;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui.Pages;

/// <summary>User PIN change: current / new / confirmation, the live strength meter, and the token's PIN state.</summary>
internal static class PinPages
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/pin", Form);
        app.MapPost("/pin", Change);
    }

    private static async Task<IResult> Form(HttpContext context, string? serial, RunToken token, DeviceHub hub) =>
        await Render(context, serial, token, hub, null, null, 200);

    private static async Task<IResult> Render(HttpContext context, string? serial, RunToken token, DeviceHub hub, (string Field, string Message)? error, string? done, int status)
    {
        Texts t = Texts.For(context);
        TokenInfo[] tokens = await hub.Use(d => d.List().Select(a => a.Refresh()).ToArray());
        TokenInfo? selected = tokens.FirstOrDefault(i => string.Equals(i.Serial, serial, StringComparison.OrdinalIgnoreCase)) ?? (tokens.Length == 1 ? tokens[0] : null);
        var body = new StringBuilder();
        if (done is not null)
        {
            body.Append("<p id=\"pin-result\" class=\"success\" role=\"status\">").Append(Html.E(done)).Append("</p>");
        }

        if (tokens.Length == 0)
        {
            body.Append("<p id=\"no-tokens\">").Append(Html.E(t["NoTokens"])).Append("</p>");
            return Html.Page(context, t, t["PinTitle"], body.ToString(), token, status);
        }

        body.Append(Html.Form("/pin", token, "id=\"pin-change\" class=\"pin-form\" data-check=\"pin-change\""));
        body.Append("<div class=\"field\"><label for=\"serial\">").Append(Html.E(t["Token"])).Append("</label><select id=\"serial\" name=\"serial\">");
        foreach (TokenInfo info in tokens)
        {
            body.Append("<option value=\"").Append(Html.E(info.Serial)).Append('"').Append(info == selected ? " selected" : string.Empty).Append('>')
                .Append(Html.E($"{info.Label} ({info.Serial}) — {PinDescriptions.State(t, info.PinState)}")).Append("</option>");
        }

        body.Append("</select></div>");
        if (selected is not null && PinDescriptions.Advice(t, selected.PinState) is { } advice)
        {
            body.Append("<p id=\"pin-advice\" class=\"warning\" role=\"alert\">").Append(Html.E(advice)).Append("</p>");
        }

        body.Append(PinField.Render(t, "current", t["CurrentPin"], error?.Field == "current" ? error.Value.Message : null, autofocus: true))
            .Append(PinField.Render(t, "newPin", t["NewPin"], error?.Field == "newPin" ? error.Value.Message : null, autofocus: false, t["NewPinHint"]))
            .Append(StrengthMeter(t))
            .Append(PinField.Render(t, "confirmation", t["ConfirmPin"], error?.Field == "confirmation" ? error.Value.Message : null, autofocus: false))
            .Append(selected?.PinState == PinState.FinalTry ? FinalTryConfirmation.Render(t, error?.Field == FinalTryConfirmation.FieldName ? error.Value.Message : null) : string.Empty)
            .Append("<button type=\"submit\" id=\"change\" disabled>").Append(Html.E(t["ChangePin"])).Append("</button></form>")
            .Append("<p><a href=\"/\">").Append(Html.E(t["BackToMenu"])).Append("</a></p>");
        return Html.Page(context, t, t["PinTitle"], body.ToString(), token, status);
    }

    /// <summary>The strength meter the script fills in (low / medium / high) as the new PIN is typed.</summary>
    internal static string StrengthMeter(Texts t) =>
        $"<div class=\"strength\"><span id=\"strength-label\">{Html.E(t["Strength"])}</span> " +
        "<meter id=\"strength\" min=\"0\" max=\"3\" low=\"1.5\" high=\"2.5\" optimum=\"3\" value=\"0\" aria-labelledby=\"strength-label\" aria-describedby=\"strength-text\"></meter> " +
        "<span id=\"strength-text\" aria-live=\"polite\"></span><ul id=\"strength-hints\" class=\"hint\"></ul></div>";

    /// <summary>
    /// The names of the holder of the token with <paramref name="serial"/> (<see cref="TokenHolderNames"/>, read without
    /// a login), for the strength rule that refuses a PIN containing the holder's name, as <c>kagi pin change</c> applies it.
    /// </summary>
    /// <exception cref="KagiException">The token is not attached (any more).</exception>
    internal static Task<IReadOnlyList<string>> HolderNamesAsync(DeviceHub hub, string serial) =>
        hub.Use(d => TokenHolderNames.Read(d.Select(serial)));

    private static async Task<IResult> Change(HttpContext context, RunToken token, DeviceHub hub, PinAttempts attempts)
    {
        Texts t = Texts.For(context);
        IFormCollection form = await context.Request.ReadFormAsync();
        string serial = form["serial"].ToString();
        string current = form["current"].ToString();
        string next = form["newPin"].ToString();
        string confirmation = form["confirmation"].ToString();
        if (current.Length is 0 or > 64)
        {
            return await Render(context, serial, token, hub, ("current", t["PolicyEmpty"]), null, 400);
        }

        if (next.Length > 64 || confirmation.Length > 64)
        {
            return await Render(context, serial, token, hub, ("newPin", t["PolicyInvalidCharacter"]), null, 400);
        }

        // As the CLI does: the holder's names on the token (TokenHolderNames) join the strength rules.
        IReadOnlyList<string> names;
        try
        {
            names = await HolderNamesAsync(hub, serial);
        }
        catch (KagiException e) when (e.Error is KagiError.TokenRemoved or KagiError.TokenNotFound or KagiError.NoToken)
        {
            return await Render(context, serial, token, hub, ("current", t.Format("TokenNotAttached", serial)), null, 409);
        }

        NewPinCheck check = PinDescriptions.Check(t, current, next, confirmation, names);
        if (!check.Valid)
        {
            (string, string) problem = check.PinProblems.Length > 0 ? ("newPin", check.PinProblems[0]) : ("confirmation", check.ConfirmationProblems.FirstOrDefault() ?? t["PolicyMismatch"]);
            return await Render(context, serial, token, hub, problem, null, 400);
        }

        // As the CLI does: the final try needs an explicit yes; without it the current PIN does not reach the token.
        if (!FinalTryConfirmation.Given(form) && await TokenPages.PinStateAsync(hub, serial) == PinState.FinalTry)
        {
            return await Render(context, serial, token, hub, (FinalTryConfirmation.FieldName, t["FinalTryNotConfirmed"]), null, 400);
        }

        if (!attempts.TryBegin(serial, PinAttemptKind.UserPin))
        {
            return await Render(context, serial, token, hub, ("current", t["TooManyAttempts"]), null, 429);
        }

        PinChangeResult result;
        try
        {
            result = await hub.Use(d =>
            {
                AttachedToken attached = d.Select(serial);
                using PinBuffer c = PinBuffer.FromChars(current);
                using PinBuffer n = PinBuffer.FromChars(next);
                using PinBuffer f = PinBuffer.FromChars(confirmation);
                return new PinChanger(new PinPolicyValidator(), new PinStrengthEvaluator(new PinStrengthOptions { Names = names })).Change(attached, c, n, f);
            });
        }
        catch (KagiException e) when (e.Error is KagiError.TokenRemoved or KagiError.TokenNotFound or KagiError.NoToken)
        {
            return await Render(context, serial, token, hub, ("current", t.Format("TokenNotAttached", serial)), null, 409);
        }

        return result.Outcome switch
        {
            PinChangeOutcome.Changed => await Render(context, serial, token, hub, null, t["PinChanged"], 200),
            PinChangeOutcome.WrongCurrentPin => await Render(context, serial, token, hub, ("current", t.Format("WrongPin", PinDescriptions.State(t, result.Login!.PinState))), null, 400),
            PinChangeOutcome.Locked => await Render(context, serial, token, hub, ("current", t["AdviceLocked"]), null, 400),
            PinChangeOutcome.TooWeak => await Render(context, serial, token, hub, ("newPin", t.Format("WeakRefused", PinDescriptions.Weakness(t, result.Strength!.RefusalReasons[0]))), null, 400),
            _ => await Render(context, serial, token, hub, ("newPin", t["PinRejectedByToken"]), null, 400),
        };
    }
}
