using System.Text;
using Kagi.Agent.Devices;
using Kagi.Agent.Security;
using Kagi.Agent.Wizard;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Tokens;
using Kagi.Tokens.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui.Pages;

/// <summary>
/// The five-step storage wizard over <see cref="CertificateStorageFlow"/>: STEP 1 token authentication, STEP 2 user
/// confirmation, STEP 3 storage PIN, STEP 4 new user PIN, STEP 5 result. Each POST does one step and redirects to the
/// run's page, so reloading never repeats a step. A pulled token stops the step with a message; the same run goes on
/// once the token is back. When STEP 2 finds the certificate already stored but the token lost it, the run turns into a
/// restore: the user's own PIN (counted like every PIN attempt through the agent) writes the same certificate back.
/// When STEP 4 finds the token no longer opens with its transport PIN (an interrupted storage set the user's PIN, or a
/// reissued order's earlier certificate), it asks for that PIN, counted and re-asked like the restore's, not a new one.
/// </summary>
internal static class WizardPages
{
    private static readonly string[] StepKeys = ["WizardStep1", "WizardStep2", "WizardStep3", "WizardStep4", "WizardStep5"];

    /// <summary>The steps a restoring run shows: token authentication, the user PIN that writes the certificate, the result.</summary>
    private static readonly string[] RestoreStepKeys = ["WizardStep1", "WizardStepRestore", "WizardStep5"];

    public static void Map(WebApplication app)
    {
        app.MapGet("/wizard", Start);
        app.MapPost("/wizard", Begin);
        app.MapGet("/wizard/{id}", Show);
        app.MapPost("/wizard/{id}/next", Next);
        app.MapGet("/wizard/{id}/cancel", ConfirmCancel);
        app.MapPost("/wizard/{id}/cancel", Cancel);
    }

    private static async Task<IResult> Start(HttpContext context, RunToken token, DeviceHub hub, ServerClientFactory server)
    {
        Texts t = Texts.For(context);
        var body = new StringBuilder(Indicator(t, WizardStep.Authenticate));
        if (!server.Configured)
        {
            body.Append("<p id=\"wizard-error\" role=\"alert\">").Append(Html.E(t["ServerNotConfigured"])).Append("</p>");
            return Html.Page(context, t, t["WizardTitle"], body.ToString(), token, 503);
        }

        TokenInfo[] tokens = await hub.Use(d => d.List().Select(a => a.Info).ToArray());
        body.Append("<p>").Append(Html.E(t["WizardIntro"])).Append("</p>");
        if (tokens.Length == 0)
        {
            body.Append("<p id=\"no-tokens\" role=\"alert\">").Append(Html.E(t["InsertToken"])).Append("</p><p><a href=\"/wizard\">").Append(Html.E(t["Reload"])).Append("</a></p>");
            return Html.Page(context, t, t["WizardTitle"], body.ToString(), token);
        }

        body.Append(Html.Form("/wizard", token, "id=\"wizard-form\"")).Append("<fieldset><legend>").Append(Html.E(t["ChooseToken"])).Append("</legend>");
        for (int i = 0; i < tokens.Length; i++)
        {
            TokenInfo info = tokens[i];
            body.Append("<div><input type=\"radio\" name=\"serial\" id=\"serial-").Append(i).Append("\" value=\"").Append(Html.E(info.Serial)).Append('"')
                .Append(i == 0 ? " checked" : string.Empty).Append("><label for=\"serial-").Append(i).Append("\">")
                .Append(Html.E($"{info.Label} — {info.Manufacturer} {info.Model} ({info.Serial})")).Append("</label></div>");
        }

        body.Append("</fieldset><div class=\"buttons\"><button type=\"submit\" id=\"next\">").Append(Html.E(t["Next"])).Append("</button> <a href=\"/\" id=\"cancel\">")
            .Append(Html.E(t["Cancel"])).Append("</a></div></form>");
        return Html.Page(context, t, t["WizardTitle"], body.ToString(), token);
    }

    private static async Task<IResult> Begin(HttpContext context, DeviceHub hub, ServerClientFactory server, WizardStore store)
    {
        IFormCollection form = await context.Request.ReadFormAsync();
        string serial = form["serial"].ToString();
        if (!server.Configured || serial.Length is 0 or > 64)
        {
            return Results.Redirect("/wizard");
        }

        AttachedToken? attached = await hub.Use(d => d.List().FirstOrDefault(a => a.Info.Serial == serial));
        if (attached is null)
        {
            return Results.Redirect("/wizard");
        }

        WizardRun run = store.Add(serial, new CertificateStorageFlow(server.Create(), attached, server.Origin));
        await RunStepAsync(run, hub, null, null, context.RequestAborted);
        return Results.Redirect("/wizard/" + run.Id);
    }

    private static IResult Show(HttpContext context, string id, RunToken token, WizardStore store)
    {
        Texts t = Texts.For(context);
        WizardRun? run = store.Find(id);
        if (run is null)
        {
            return Html.Page(context, t, t["WizardTitle"], $"<p role=\"alert\">{Html.E(t["WizardUnknown"])}</p><p><a href=\"/wizard\">{Html.E(t["WizardRestart"])}</a></p>", token, 404);
        }

        return Html.Page(context, t, t["WizardTitle"], Render(t, run, token), token);
    }

    private static async Task<IResult> Next(HttpContext context, string id, DeviceHub hub, WizardStore store, PinAttempts attempts)
    {
        WizardRun? run = store.Find(id);
        if (run is null)
        {
            return Results.Redirect("/wizard");
        }

        IFormCollection form = await context.Request.ReadFormAsync();
        await RunStepAsync(run, hub, form, attempts, context.RequestAborted);
        return Results.Redirect("/wizard/" + run.Id);
    }

    private static IResult ConfirmCancel(HttpContext context, string id, RunToken token, WizardStore store)
    {
        Texts t = Texts.For(context);
        WizardRun? run = store.Find(id);
        if (run is null || run.Step == WizardStep.Result)
        {
            return Results.Redirect("/");
        }

        // Once the storage PIN is spent, starting again continues only within the server's resume window.
        string question = run.Flow.StoragePinVerified ? t["CancelQuestionAfterStoragePin"] : t["CancelQuestion"];
        string body = Indicator(t, run.Step, run.Restoring) + $"<div role=\"alertdialog\" aria-labelledby=\"cancel-question\" id=\"cancel-dialog\"><p id=\"cancel-question\">{Html.E(question)}</p>" +
            Html.Form($"/wizard/{run.Id}/cancel", token) + $"<button type=\"submit\" id=\"cancel-yes\">{Html.E(t["CancelYes"])}</button> " +
            $"<a href=\"/wizard/{run.Id}\" id=\"cancel-no\">{Html.E(t["CancelNo"])}</a></form></div>";
        return Html.Page(context, t, t["WizardTitle"], body, token);
    }

    private static async Task<IResult> Cancel(string id, WizardStore store)
    {
        if (store.Find(id) is { } run)
        {
            await run.Gate.WaitAsync();
            try
            {
                if (run.Step != WizardStep.Result)
                {
                    run.Cancelled = true;
                    run.Step = WizardStep.Result;
                    run.Flow.Dispose();
                }
            }
            finally
            {
                run.Gate.Release();
            }
        }

        return Results.Redirect("/wizard/" + id);
    }

    /// <summary>Does the current step of <paramref name="run"/> with the submitted <paramref name="form"/> (null for STEP 1 at start).</summary>
    private static async Task RunStepAsync(WizardRun run, DeviceHub hub, IFormCollection? form, PinAttempts? attempts, CancellationToken ct)
    {
        await run.Gate.WaitAsync(ct);
        try
        {
            run.StepError = null;
            run.StepErrorArgs = [];
            if (run.Step == WizardStep.Result)
            {
                return;
            }

            if (run.Step == WizardStep.ConfirmUser)
            {
                // As the terminal wizard: when an interrupted or cancelled run verified this order's storage PIN within
                // the server's resume window, the order goes on without it (STEP 3 skipped).
                run.Resumed = await run.Flow.TryResumeAsync(ct);
                run.Step = run.Resumed ? WizardStep.UserPin : WizardStep.StoragePin;
                return;
            }

            string storagePin = form?["storagePin"].ToString() ?? string.Empty;
            string userPin = form?["userPin"].ToString() ?? string.Empty;
            string newPin = form?["newPin"].ToString() ?? string.Empty;
            string confirmation = form?["confirmation"].ToString() ?? string.Empty;
            if (run.Step == WizardStep.StoragePin)
            {
                // What cannot be a storage PIN is refused here: sent, it would use up one of its few attempts.
                StoragePinInput input = storagePin.Length > 4 * StoragePinFormat.MaxLength ? StoragePinInput.NotAStoragePin : StoragePinFormat.Check(storagePin);
                if (input != StoragePinInput.Acceptable)
                {
                    (run.StepError, run.StepErrorArgs) = input switch
                    {
                        StoragePinInput.Empty => ("StoragePinEmpty", Array.Empty<object?>()),
                        StoragePinInput.FullWidth => ("StoragePinFullWidth", Array.Empty<object?>()),
                        _ => ("StoragePinNotValid", new object?[] { StoragePinFormat.MinLength }),
                    };
                    return;
                }
            }

            if (run.Step == WizardStep.UserPin && run.PinSetBefore)
            {
                if (!await MayTryUserPinAsync(run, hub, form, userPin, attempts))
                {
                    return;
                }
            }
            else if (run.Step == WizardStep.UserPin)
            {
                NewPinCheck check = PinDescriptions.Check(Texts.EnglishTexts, string.Empty, newPin, confirmation, run.User is null ? [] : [run.User.RomanizedName]);
                if (!check.Valid || newPin.Length > 64)
                {
                    run.StepError = "NewPinInvalid";
                    return;
                }
            }

            if (run.Step == WizardStep.StoragePin && attempts is not null && !attempts.TryBegin(run.Serial, PinAttemptKind.StoragePin))
            {
                run.StepError = "TooManyAttempts";
                return;
            }

            if (run.Step == WizardStep.RestorePin && !await MayTryUserPinAsync(run, hub, form, userPin, attempts))
            {
                return;
            }

            await hub.UseAsync(async d =>
            {
                if (!d.List().Any(a => a.Info.Serial == run.Serial))
                {
                    throw new KagiException(KagiError.TokenRemoved, [run.Serial]);
                }

                switch (run.Step)
                {
                    case WizardStep.Authenticate:
                        await run.Flow.AuthenticateTokenAsync(ct);
                        try
                        {
                            run.User = await run.Flow.GetAssignedUserAsync(ct);
                            run.Step = WizardStep.ConfirmUser;
                        }
                        catch (EnrollmentException e) when (e.Failure == EnrollmentFailure.AlreadyStored)
                        {
                            // Stored as far as the server knows. The flow checks the token (a token error is reported
                            // as such); only a token that lost the certificate gets the restore.
                            if (!run.Flow.IsStoredCertificateMissing())
                            {
                                throw;
                            }

                            run.Restoring = true;
                            run.PinState = d.List().First(a => a.Info.Serial == run.Serial).Refresh().PinState;
                            run.Step = WizardStep.RestorePin;
                        }

                        break;
                    case WizardStep.RestorePin:
                        try
                        {
                            using (PinBuffer pin = PinBuffer.FromChars(userPin))
                            {
                                run.Stored = await run.Flow.RestoreCertificateAsync(pin, ct);
                            }

                            run.Step = WizardStep.Result;
                        }
                        catch (EnrollmentException e) when (e.Failure == EnrollmentFailure.UserPinRejected)
                        {
                            // Nothing was written; the same step again with the PIN state the token reports.
                            run.PinState = e.PinState;
                            (run.StepError, run.StepErrorArgs) = e.PinState switch
                            {
                                PinState.Locked => ("AdviceLocked", []),
                                { } state => ("WrongPin", new object?[] { state }),
                                null => ("FailureUserPinRejected", Array.Empty<object?>()),
                            };
                        }

                        break;
                    case WizardStep.StoragePin:
                        StoragePinCheck check = await run.Flow.VerifyStoragePinAsync(storagePin, ct);
                        if (check.Accepted)
                        {
                            run.Step = WizardStep.UserPin;

                            // Which PIN STEP 4 asks for: a new one, or the user's own PIN already on the token.
                            TokenPinCheck pinCheck = run.Flow.CheckTokenPin();
                            run.PinSetBefore = !pinCheck.TransportPinAccepted;
                            run.PinState = pinCheck.PinState;
                        }
                        else
                        {
                            run.StepError = check.AttemptsLeft is null ? "StoragePinWrong" : "StoragePinWrongLeft";
                            run.StepErrorArgs = [check.AttemptsLeft];
                        }

                        break;
                    case WizardStep.UserPin:
                        try
                        {
                            using (PinBuffer pin = PinBuffer.FromChars(run.PinSetBefore ? userPin : newPin))
                            {
                                run.Stored = await run.Flow.StoreAsync(pin, ct: ct);
                            }

                            run.Step = WizardStep.Result;
                        }
                        catch (EnrollmentException e) when (e.Failure == EnrollmentFailure.TokenPinRejected && e.PinState is { } state)
                        {
                            // Nothing was done: the token takes only the user's own PIN now; asked for again (as the
                            // PIN set before) with the state the token reports.
                            run.PinSetBefore = true;
                            run.PinState = state;
                            (run.StepError, run.StepErrorArgs) = state == PinState.Locked ? ("AdviceLocked", []) : ("WrongPin", new object?[] { state });
                        }

                        break;
                }

                return true;
            }, ct);
        }
        catch (EnrollmentException e)
        {
            run.ErrorCode = e.ServerCode ?? Kebab(e.Failure.ToString());
            run.ErrorKey = "Failure" + e.Failure;
            run.Step = WizardStep.Result;
        }
        catch (KagiException e) when (e.Error is KagiError.TokenRemoved or KagiError.TokenNotFound or KagiError.NoToken)
        {
            run.StepError = "WizardTokenRemoved";
            run.StepErrorArgs = [run.Serial];
        }
        catch (Pkcs11Exception)
        {
            run.StepError = "WizardTokenRemoved";
            run.StepErrorArgs = [run.Serial];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ApiProblemException)
        {
            run.StepError = "ServerUnreachable";
        }
        finally
        {
            if (run.Step == WizardStep.Result)
            {
                // Zeroes the transport PIN the flow may still hold.
                run.Flow.Dispose();
            }

            run.Gate.Release();
        }
    }

    /// <summary>
    /// The checks before a user PIN of the restore step reaches the token, as on the token page: not empty, the explicit
    /// yes at the final try, not locked, and within the agent's per-token attempt limit (the attempt is counted).
    /// </summary>
    /// <returns>True when the PIN may be sent; otherwise <see cref="WizardRun.StepError"/> says why.</returns>
    private static async Task<bool> MayTryUserPinAsync(WizardRun run, DeviceHub hub, IFormCollection? form, string userPin, PinAttempts? attempts)
    {
        if (userPin.Length is 0 or > 64)
        {
            run.StepError = "PolicyEmpty";
            return false;
        }

        PinState? state = await TokenPages.PinStateAsync(hub, run.Serial);
        if (state is not null)
        {
            run.PinState = state;
        }

        if (state == PinState.Locked)
        {
            run.StepError = "AdviceLocked";
            return false;
        }

        if (state == PinState.FinalTry && (form is null || !FinalTryConfirmation.Given(form)))
        {
            run.StepError = "FinalTryNotConfirmed";
            return false;
        }

        if (attempts is not null && !attempts.TryBegin(run.Serial, PinAttemptKind.UserPin))
        {
            run.StepError = "TooManyAttempts";
            return false;
        }

        return true;
    }

    private static string Render(Texts t, WizardRun run, RunToken token)
    {
        var body = new StringBuilder(Indicator(t, run.Step, run.Restoring));
        string? error = run.StepError is null ? null : t.Format(run.StepError, [.. run.StepErrorArgs.Select(a => a is PinState s ? PinDescriptions.State(t, s) : a)]);
        string formStart = Html.Form($"/wizard/{run.Id}/next", token, $"id=\"wizard-form\" data-serial=\"{Html.E(run.Serial)}\" data-wizard=\"{run.Id}\" data-step=\"{(int)run.Step}\"");
        string buttons = $"<div class=\"buttons\"><button type=\"submit\" id=\"next\">{Html.E(t["Next"])}</button> <a href=\"/wizard/{run.Id}/cancel\" id=\"cancel\">{Html.E(t["Cancel"])}</a></div></form>";
        if (error is not null && run.Step is WizardStep.Authenticate or WizardStep.ConfirmUser)
        {
            body.Append("<p id=\"wizard-error\" class=\"error\" role=\"alert\">").Append(Html.E(error)).Append("</p>");
        }

        switch (run.Step)
        {
            case WizardStep.Authenticate:
                body.Append("<p>").Append(Html.E(t.Format("WizardAuthenticateAgain", run.Serial))).Append("</p>").Append(formStart).Append(buttons);
                break;
            case WizardStep.ConfirmUser:
                body.Append("<p>").Append(Html.E(t["ConfirmUserIntro"])).Append("</p><dl class=\"facts\" id=\"assigned-user\">")
                    .Append("<div><dt>").Append(Html.E(t["UserName"])).Append("</dt><dd id=\"user-name\">").Append(Html.E(run.User?.RomanizedName)).Append("</dd></div>")
                    .Append("<div><dt>").Append(Html.E(t["CertificateId"])).Append("</dt><dd>").Append(Html.E(run.User?.CertificateId)).Append("</dd></div>")
                    .Append("<div><dt>").Append(Html.E(t["Serial"])).Append("</dt><dd>").Append(Html.E(run.Serial)).Append("</dd></div></dl>")
                    .Append(formStart).Append(buttons);
                break;
            case WizardStep.StoragePin:
                body.Append("<p>").Append(Html.E(t["StoragePinIntro"])).Append("</p>").Append(formStart)
                    .Append(StoragePinField(t, error)).Append(buttons);
                break;
            case WizardStep.RestorePin:
                body.Append(RestorePinStep(t, run, error, formStart));
                break;
            case WizardStep.UserPin when run.PinSetBefore:
                body.Append(PinSetBeforeStep(t, run, error, formStart));
                break;
            case WizardStep.UserPin:
                if (run.Resumed)
                {
                    body.Append("<p id=\"wizard-resumed\" role=\"status\">").Append(Html.E(t["WizardResumed"])).Append("</p>");
                }

                body.Append("<p>").Append(Html.E(t["UserPinIntro"])).Append("</p>").Append(formStart.Replace("id=\"wizard-form\"", "id=\"wizard-form\" data-check=\"wizard\"", StringComparison.Ordinal))
                    .Append(PinField.Render(t, "newPin", t["NewPin"], error, autofocus: true, t["NewPinHint"])).Append(PinPages.StrengthMeter(t))
                    .Append(PinField.Render(t, "confirmation", t["ConfirmPin"], null, autofocus: false)).Append(buttons);
                break;
            default:
                body.Append(Result(t, run));
                break;
        }

        return body.ToString();
    }

    /// <summary>
    /// The restore step: why (the token lost the certificate the CA has as stored), the user's own PIN with the
    /// on-screen keyboard, the final-try checkbox when the token is at its last try, none of it when it is locked.
    /// </summary>
    private static string RestorePinStep(Texts t, WizardRun run, string? error, string formStart)
    {
        var html = new StringBuilder("<p id=\"restore-intro\">").Append(Html.E(t["RestoreIntro"])).Append("</p>");
        if (run.PinState == PinState.Locked)
        {
            // As on the token page: a locked token gets no PIN field; only the CA operator unlocks it.
            return html.Append("<p id=\"pin-advice\" class=\"warning\" role=\"alert\">").Append(Html.E(t["AdviceLocked"])).Append("</p><p><a href=\"/\">")
                .Append(Html.E(t["BackToMenu"])).Append("</a></p>").ToString();
        }

        html.Append("<p>").Append(Html.E(t["RestorePinIntro"])).Append("</p>");
        if (run.PinState is { } state && PinDescriptions.Advice(t, state) is { } advice)
        {
            html.Append("<p id=\"pin-advice\" class=\"warning\">").Append(Html.E(advice)).Append("</p>");
        }

        bool confirmError = run.StepError == "FinalTryNotConfirmed";
        return html.Append(formStart)
            .Append(PinField.Render(t, "userPin", t["UserPin"], confirmError ? null : error, autofocus: true, t["RestorePinHint"]))
            .Append(run.PinState == PinState.FinalTry ? FinalTryConfirmation.Render(t, confirmError ? error : null) : string.Empty)
            .Append("<div class=\"buttons\"><button type=\"submit\" id=\"next\">").Append(Html.E(t["RestoreSubmit"])).Append("</button> <a href=\"/wizard/")
            .Append(run.Id).Append("/cancel\" id=\"cancel\">").Append(Html.E(t["Cancel"])).Append("</a></div></form>")
            .ToString();
    }

    /// <summary>
    /// STEP 4 when the token no longer opens with its transport PIN: why, the user PIN set before with the on-screen
    /// keyboard, the final-try checkbox at the token's last try, none of it when it is locked (as the restore step).
    /// </summary>
    private static string PinSetBeforeStep(Texts t, WizardRun run, string? error, string formStart)
    {
        var html = new StringBuilder("<p id=\"pin-set-before\">").Append(Html.E(t["UserPinSetBeforeIntro"])).Append("</p>");
        if (run.PinState == PinState.Locked)
        {
            return html.Append("<p id=\"pin-advice\" class=\"warning\" role=\"alert\">").Append(Html.E(t["AdviceLocked"])).Append("</p><p><a href=\"/\">")
                .Append(Html.E(t["BackToMenu"])).Append("</a></p>").ToString();
        }

        if (run.PinState is { } state && PinDescriptions.Advice(t, state) is { } advice)
        {
            html.Append("<p id=\"pin-advice\" class=\"warning\">").Append(Html.E(advice)).Append("</p>");
        }

        bool confirmError = run.StepError == "FinalTryNotConfirmed";
        return html.Append(formStart)
            .Append(PinField.Render(t, "userPin", t["UserPin"], confirmError ? null : error, autofocus: true, t["UserPinSetBeforeHint"]))
            .Append(run.PinState == PinState.FinalTry ? FinalTryConfirmation.Render(t, confirmError ? error : null) : string.Empty)
            .Append("<div class=\"buttons\"><button type=\"submit\" id=\"next\">").Append(Html.E(t["Next"])).Append("</button> <a href=\"/wizard/")
            .Append(run.Id).Append("/cancel\" id=\"cancel\">").Append(Html.E(t["Cancel"])).Append("</a></div></form>")
            .ToString();
    }

    private static string StoragePinField(Texts t, string? error) =>
        PinField.Render(t, "storagePin", t["StoragePin"], error, autofocus: true, t["StoragePinHint"]);

    private static string Result(Texts t, WizardRun run)
    {
        if (run.Cancelled)
        {
            return $"<p id=\"wizard-cancelled\" role=\"status\">{Html.E(t[run.Flow.StoragePinVerified && !run.Restoring ? "WizardCancelledAfterStoragePin" : "WizardCancelled"])}</p><p><a href=\"/\">{Html.E(t["BackToMenu"])}</a></p>";
        }

        if (run.Stored is { } stored)
        {
            return $"<p id=\"wizard-done\" class=\"success\" role=\"status\" data-result=\"{(run.Restoring ? "restored" : "stored")}\">{Html.E(t[run.Restoring ? "WizardRestored" : "WizardDone"])}</p><dl class=\"facts\">" +
                $"<div><dt>{Html.E(t["CertSerial"])}</dt><dd id=\"result-serial\">{Html.E(stored.SerialNumber)}</dd></div>" +
                $"<div><dt>{Html.E(t["Subject"])}</dt><dd id=\"result-subject\">{Html.E(stored.Subject)}</dd></div>" +
                $"<div><dt>{Html.E(t["Serial"])}</dt><dd>{Html.E(stored.TokenSerial)}</dd></div></dl>" +
                $"<p><a id=\"view-token\" href=\"/tokens/{Uri.EscapeDataString(stored.TokenSerial)}\">{Html.E(t["ViewCertificates"])}</a> · <a id=\"finish\" href=\"/\">{Html.E(t["Finish"])}</a></p>";
        }

        if (run.ErrorKey == "Failure" + EnrollmentFailure.AlreadyStored)
        {
            // Not a failure for the user: the token has its certificate. Information, with the way to look at it.
            return $"<p id=\"wizard-already-stored\" class=\"success\" role=\"status\" data-code=\"{Html.E(run.ErrorCode)}\">{Html.E(t["AlreadyStoredInfo"])}</p><dl class=\"facts\">" +
                $"<div><dt>{Html.E(t["Serial"])}</dt><dd id=\"result-token-serial\">{Html.E(run.Serial)}</dd></div></dl>" +
                $"<p><a id=\"view-token\" href=\"/tokens/{Uri.EscapeDataString(run.Serial)}\">{Html.E(t["ViewCertificates"])}</a> · <a id=\"finish\" href=\"/\">{Html.E(t["Finish"])}</a></p>";
        }

        return $"<p id=\"wizard-failed\" class=\"error\" role=\"alert\">{Html.E(t[run.ErrorKey ?? "FailureServerRefused"])}</p><dl class=\"facts\">" +
            $"<div><dt>{Html.E(t["ErrorCode"])}</dt><dd id=\"result-error-code\">{Html.E(run.ErrorCode)}</dd></div>" +
            $"<div><dt>{Html.E(t["Serial"])}</dt><dd id=\"result-token-serial\">{Html.E(run.Serial)}</dd></div></dl><p>{Html.E(t["ReportToOperator"])}</p><p><a href=\"/\">{Html.E(t["BackToMenu"])}</a></p>";
    }

    private static string Indicator(Texts t, WizardStep current, bool restoring = false)
    {
        string[] keys = restoring ? RestoreStepKeys : StepKeys;
        int position = !restoring ? (int)current : current switch
        {
            WizardStep.Authenticate => 1,
            WizardStep.RestorePin => 2,
            _ => 3,
        };
        var html = new StringBuilder("<nav aria-label=\"").Append(Html.E(t["WizardProgress"])).Append("\"><ol class=\"steps\" id=\"steps\">");
        for (int i = 1; i <= keys.Length; i++)
        {
            string state = i < position ? "done" : i == position ? "current" : "todo";
            html.Append("<li class=\"").Append(state).Append('"').Append(i == position ? " aria-current=\"step\"" : string.Empty).Append('>')
                .Append("<span class=\"step-number\">STEP ").Append(i).Append("</span> ").Append(Html.E(t[keys[i - 1]])).Append("</li>");
        }

        return html.Append("</ol></nav>").ToString();
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
