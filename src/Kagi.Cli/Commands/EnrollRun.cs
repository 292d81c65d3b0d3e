using System.CommandLine;
using System.Globalization;
using System.Text;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Tokens;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Commands;

/// <summary>
/// One run of the certificate storage software. Interactive (no stdin option): function selection, then STEP 1–5
/// with "next / cancel" at every step and a confirmation before cancelling; when standard input is not a terminal
/// the same prompts take one answer per line from it, which is how tests drive the wizard. Unattended
/// (<c>--storage-pin-stdin</c> / <c>--new-pin-stdin</c> / <c>--pins-stdin</c>): no questions, <c>--yes</c> confirms the user,
/// the new PIN is checked before the storage PIN is spent. Every outcome ends in one result: the success screen
/// (serial number, subject, validity) or the error screen (token serial, stable error code, message); with
/// <c>--json</c> also as one JSON object on standard output. A rerun after any interruption continues the same order.
/// When the server has the certificate as stored but the token lost it (SoftHSM2 on a full disk), the rerun restores
/// the same certificate to the token after the user PIN (the new-PIN line in unattended runs): result "restored".
/// </summary>
internal sealed partial class EnrollRun(ParseResult parse, EnrollOptions options)
{
    private readonly bool _json = parse.GetValue(options.Json);
    private readonly bool _yes = parse.GetValue(options.Yes);
    private readonly bool _legacyPins = parse.GetValue(options.PinsStdin);
    private readonly bool _storagePinStdin = parse.GetValue(options.StoragePinStdin) || parse.GetValue(options.PinsStdin);
    private readonly bool _newPinStdin = parse.GetValue(options.NewPinStdin) || parse.GetValue(options.PinsStdin);
    private string? _serial;
    private string? _contact;

    /// <summary>True once this run verified the storage PIN or resumed an order whose PIN was verified: a later run can only resume within the window.</summary>
    private bool _storagePinSpent;

    private bool Unattended => _storagePinStdin || _newPinStdin;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var context = new CliContext(parse);
        var reader = new PinReader(Unattended || Console.IsInputRedirected);
        try
        {
            AttachedToken token = context.SelectToken();
            _serial = token.Info.Serial;
            if (!Unattended)
            {
                Say(Messages.WizardFunctions);
                while (true)
                {
                    string choice = reader.ReadAnswer(Messages.WizardChooseFunction);
                    if (choice == "2")
                    {
                        return ChangeUserPin(token, reader);
                    }

                    if (choice == "1")
                    {
                        break;
                    }

                    if (choice.Equals("c", StringComparison.OrdinalIgnoreCase) && ConfirmCancel(reader))
                    {
                        return Cancelled("cancelled", CancelledMessage);
                    }
                }
            }

            return await StoreAsync(token, reader, ct);
        }
        catch (WizardCancelledException)
        {
            return Cancelled("cancelled", CancelledMessage);
        }
        catch (EnrollmentException e) when (e.Failure == EnrollmentFailure.AlreadyStored)
        {
            // Not a failure for the user (the token has its certificate): information instead of the error screen.
            // The JSON object, its code and the exit code stay as they were, for scripts.
            return Fail(e.ServerCode ?? "certificate-already-stored", Messages.EnrollErrAlreadyStored, ExitCodes.Refused,
                information: ErrorReporter.Format(Messages.EnrollAlreadyStoredScreen, _serial ?? "-"));
        }
        catch (EnrollmentException e)
        {
            (string message, int exit) = e.Failure switch
            {
                EnrollmentFailure.UnknownToken or EnrollmentFailure.TokenNotDistributed or EnrollmentFailure.TokenAuthenticationFailed => (Messages.EnrollErrTokenNotRecognized, ExitCodes.ServerError),
                EnrollmentFailure.NoAssignment => (Messages.EnrollErrNoAssignment, ExitCodes.ServerError),
                EnrollmentFailure.AlreadyStored => (Messages.EnrollErrAlreadyStored, ExitCodes.Refused),
                EnrollmentFailure.StoragePinLocked => (Messages.EnrollErrStoragePinLocked, ExitCodes.PinLocked),
                EnrollmentFailure.StoragePinExpired => (Messages.EnrollErrStoragePinExpired, ExitCodes.PinLocked),
                EnrollmentFailure.StoragePinUsed => (Messages.EnrollErrStoragePinUsed, ExitCodes.PinLocked),
                EnrollmentFailure.StoragePinReissued => (Messages.EnrollErrStoragePinReissued, ExitCodes.PinLocked),
                EnrollmentFailure.TokenPinRejected => (Messages.EnrollErrTokenPin, ExitCodes.WrongPin),
                EnrollmentFailure.UserPinRejected => (Messages.EnrollErrRestorePin, ExitCodes.WrongPin),
                EnrollmentFailure.RestoreKeyMismatch => (Messages.EnrollErrRestoreKeyMismatch, ExitCodes.Refused),
                EnrollmentFailure.CertificateRevoked => (Messages.EnrollErrCertificateRevoked, ExitCodes.Refused),
                EnrollmentFailure.PublicKeyReused => (Messages.EnrollErrPublicKeyReused, ExitCodes.ServerError),
                EnrollmentFailure.TokenError => (ErrorReporter.Format(Messages.EnrollErrTokenError, e.ServerCode ?? string.Empty), ExitCodes.TokenError),
                _ => (Messages.EnrollErrServer, ExitCodes.ServerError),
            };
            string code = e.Failure == EnrollmentFailure.TokenError ? "token-error" : e.ServerCode ?? Kebab(e.Failure.ToString());
            return Fail(code, message, exit, e.Failure == EnrollmentFailure.TokenError ? e.ServerCode : null);
        }
        catch (HttpRequestException e)
        {
            return Fail("server-unreachable", ErrorReporter.Format(Messages.EnrollErrServerUnreachable, e.HttpRequestError.ToString()), ExitCodes.ServerError);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient's timeout.
            return Fail("server-unreachable", ErrorReporter.Format(Messages.EnrollErrServerUnreachable, "Timeout"), ExitCodes.ServerError);
        }
        catch (Pkcs11Exception e)
        {
            return Fail("token-error", ErrorReporter.Format(Messages.EnrollErrTokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result)), ExitCodes.TokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result));
        }
        catch (KagiException e)
        {
            // Input ended (or there is no terminal): enroll has its own stdin options, not --pin-stdin.
            (string message, int exit) = e.Error == KagiError.PinRequired ? (Messages.EnrollErrPinRequired, ExitCodes.Usage) : ErrorReporter.Classify(e);
            return Fail(Kebab(e.Error.ToString()), message, exit);
        }
        catch (OperationCanceledException)
        {
            return Cancelled("cancelled", CancelledMessage);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            (string message, int exit) = ErrorReporter.Classify(e);
            return Fail("unexpected", message, exit);
        }
    }

    private async Task<int> StoreAsync(AttachedToken token, PinReader reader, CancellationToken ct)
    {
        KagiApiClient api = ServerConnection.Create(parse.GetValue(options.Server), parse.GetValue(options.ServerCa));
        using var flow = new CertificateStorageFlow(api, token, ServerConnection.Origin(parse.GetValue(options.Server)));

        // Unattended runs read every answer first and check the new PIN before the storage PIN can be spent.
        PinBuffer? storagePin = null;
        PinBuffer? newPin = null;
        try
        {
            if (Unattended)
            {
                if (_storagePinStdin)
                {
                    storagePin = reader.Read(Messages.PromptStoragePin);
                }

                if (!_newPinStdin)
                {
                    return Fail("new-pin-required", Messages.EnrollErrNewPinRequired, ExitCodes.Usage);
                }
            }

            Step(Messages.EnrollStep1);
            Gate(reader, Messages.WizardStep1Hint);
            await flow.AuthenticateTokenAsync(ct);

            Step(Messages.EnrollStep2);
            AssignedUserResponse user;
            try
            {
                user = await flow.GetAssignedUserAsync(ct);
            }
            catch (EnrollmentException e) when (e.Failure == EnrollmentFailure.AlreadyStored)
            {
                // Stored as far as the server knows; the token is checked (outside an exception filter, so a token
                // error is reported as such) and restored when it lost the certificate.
                if (!flow.IsStoredCertificateMissing())
                {
                    throw;
                }

                return await RestoreAsync(flow, reader, ct);
            }

            _contact = user.OperatorContact;
            Say(ErrorReporter.Format(Messages.EnrollUserIs, user.RomanizedName, _serial!, user.CertificateId));
            if (!ConfirmUser(reader))
            {
                return Unattended
                    ? Fail("user-not-confirmed", Messages.EnrollErrUserNotConfirmed, ExitCodes.Refused)
                    : Cancelled("wrong-user", ErrorReporter.Format(Messages.EnrollWrongUserContact, _contact ?? "-"));
            }

            if (Unattended)
            {
                PinBuffer candidate = reader.Read(Messages.PromptNewPin);
                using PinBuffer confirmation = _legacyPins ? reader.Read(Messages.PromptConfirmPin) : PinBuffer.FromBytes(candidate.Bytes);
                string[] problems = Problems(user, candidate, confirmation);
                if (problems.Length > 0)
                {
                    candidate.Dispose();
                    return Fail("new-pin-rejected", Messages.EnrollErrNewPin, ExitCodes.PinRejected, problems: problems);
                }

                newPin = candidate;
            }

            bool resumed = await flow.TryResumeAsync(ct);
            if (resumed)
            {
                _storagePinSpent = true;
                Say(Messages.EnrollResumed);
            }
            else
            {
                Step(Messages.EnrollStep3);
                if (!Unattended)
                {
                    Gate(reader, Messages.EnrollStoragePinHint);
                }
                else if (storagePin is null)
                {
                    return Fail("storage-pin-required", Messages.EnrollErrStoragePinRequired, ExitCodes.Usage);
                }

                int? stop = await VerifyStoragePinAsync(flow, reader, storagePin, ct);
                storagePin = null;
                if (stop is not null)
                {
                    return stop.Value;
                }
            }

            Step(Messages.EnrollStep4);
            if (await StoreWithPinSetBeforeAsync(flow, reader, resumed, ct) is { } done)
            {
                return done;
            }

            Say(Messages.EnrollPinRules);
            if (newPin is null)
            {
                Gate(reader, Messages.WizardPinCancelHint);
            }

            while (newPin is null)
            {
                PinBuffer candidate = ReadPin(reader, Messages.WizardPromptNewPin);
                PinBuffer confirmation;
                try
                {
                    confirmation = ReadPin(reader, Messages.WizardPromptConfirmPin);
                }
                catch
                {
                    candidate.Dispose();
                    throw;
                }

                string[] problems;
                using (confirmation)
                {
                    problems = Problems(user, candidate, confirmation);
                }

                if (problems.Length == 0)
                {
                    newPin = candidate;
                    break;
                }

                candidate.Dispose();
                Output.Error(Messages.ErrNewPinRejected);
                foreach (string p in problems)
                {
                    Output.Error("  " + p);
                }
            }

            Step(Messages.EnrollStep5);
            StoredCertificate stored = await flow.StoreAsync(newPin, ct: ct);
            return ShowStored(stored, resumed);
        }
        finally
        {
            storagePin?.Dispose();
            newPin?.Dispose();
        }
    }

    /// <summary>
    /// The server has the certificate as stored, the token lost it: asks for the user PIN set in the first run (in
    /// unattended runs the new-PIN line) and writes the same certificate back. Interactive runs ask again after a PIN
    /// the token refused, showing its PIN state, until it is right, cancelled, or the token locks the PIN.
    /// </summary>
    private async Task<int> RestoreAsync(CertificateStorageFlow flow, PinReader reader, CancellationToken ct)
    {
        Say(Messages.EnrollRestoring);
        if (!Unattended)
        {
            Gate(reader, Messages.EnrollRestorePinHint);
        }

        StoredCertificate? restored = await WithUserPinAsync(reader, EnrollmentFailure.UserPinRejected, pin => flow.RestoreCertificateAsync(pin, ct));
        if (restored is null)
        {
            return Fail("user-pin-locked", Messages.AdviceLocked, ExitCodes.PinLocked);
        }

        if (_json)
        {
            Output.Json(new
            {
                result = "restored",
                tokenSerial = restored.TokenSerial,
                serialNumber = restored.SerialNumber,
                subject = restored.Subject,
                notBefore = CertificateJson.Iso(restored.NotBefore),
                notAfter = CertificateJson.Iso(restored.NotAfter),
            });
        }
        else
        {
            Output.Line(ErrorReporter.Format(Messages.EnrollRestored, restored.SerialNumber, restored.Subject, CertificateJson.Iso(restored.NotBefore), CertificateJson.Iso(restored.NotAfter)));
        }

        return ExitCodes.Ok;
    }

    /// <returns>null when verified; otherwise the exit code to stop with.</returns>
    private async Task<int?> VerifyStoragePinAsync(CertificateStorageFlow flow, PinReader reader, PinBuffer? given, CancellationToken ct)
    {
        while (true)
        {
            using PinBuffer entered = given ?? ReadPin(reader, Messages.PromptStoragePin);
            given = null;

            // What cannot be a storage PIN is refused here: sent, it would use up one of its few attempts.
            StoragePinInput input = StoragePinFormat.Check(entered);
            if (input != StoragePinInput.Acceptable)
            {
                string problem = input switch
                {
                    StoragePinInput.Empty => Messages.EnrollStoragePinEmpty,
                    StoragePinInput.FullWidth => Messages.EnrollStoragePinFullWidth,
                    _ => ErrorReporter.Format(Messages.EnrollStoragePinNotValid, StoragePinFormat.MinLength),
                };
                if (Unattended)
                {
                    return input == StoragePinInput.Empty
                        ? Fail("storage-pin-required", Messages.EnrollErrStoragePinRequired, ExitCodes.Usage)
                        : Fail("storage-pin-invalid", problem, ExitCodes.WrongPin);
                }

                Output.Error(problem);
                continue;
            }

            StoragePinCheck check = await flow.VerifyStoragePinAsync(entered, ct);
            if (check.Accepted)
            {
                _storagePinSpent = true;
                return null;
            }

            string message = ErrorReporter.Format(Messages.EnrollStoragePinWrong, check.AttemptsLeft?.ToString(CultureInfo.CurrentCulture) ?? "?");
            if (Unattended)
            {
                return Fail("storage-pin-wrong", message, ExitCodes.WrongPin);
            }

            Output.Error(message);
        }
    }

    private bool ConfirmUser(PinReader reader)
    {
        if (_yes)
        {
            return true;
        }

        if (Unattended)
        {
            return false;
        }

        while (true)
        {
            string answer = reader.ReadAnswer(Messages.EnrollConfirmUserPrompt);
            if (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if ((answer.Equals("n", StringComparison.OrdinalIgnoreCase) || answer.Equals("c", StringComparison.OrdinalIgnoreCase)) && ConfirmCancel(reader))
            {
                return false;
            }
        }
    }

    /// <summary>Interactive only: "next" (Enter) or "cancel" (c, confirmed) before a step's work.</summary>
    /// <exception cref="WizardCancelledException">The user cancelled and confirmed it.</exception>
    private void Gate(PinReader reader, string? hint)
    {
        if (Unattended)
        {
            return;
        }

        if (hint is not null)
        {
            Say(hint);
        }

        while (true)
        {
            string answer = reader.ReadAnswer(Messages.WizardNextOrCancel);
            if (answer.Length == 0)
            {
                return;
            }

            if (answer.Equals("c", StringComparison.OrdinalIgnoreCase) && ConfirmCancel(reader))
            {
                throw new WizardCancelledException();
            }
        }
    }

    /// <summary>
    /// Asks for the user PIN already on the token and runs <paramref name="attempt"/> with it. Interactive runs ask again
    /// after an empty entry and after a PIN the token refused (<paramref name="refused"/>, nothing done), showing the
    /// token's PIN state; unattended runs make one attempt.
    /// </summary>
    /// <returns>What <paramref name="attempt"/> stored; null when the token locked the PIN (then only the CA operator can
    /// help, and the caller ends with user-pin-locked).</returns>
    /// <exception cref="EnrollmentException">Any other failure, or <paramref name="refused"/> in an unattended run.</exception>
    /// <exception cref="WizardCancelledException">The user cancelled at the prompt and confirmed it.</exception>
    private async Task<StoredCertificate?> WithUserPinAsync(PinReader reader, EnrollmentFailure refused, Func<PinBuffer, Task<StoredCertificate>> attempt)
    {
        while (true)
        {
            using PinBuffer userPin = ReadPin(reader, Messages.WizardPromptUserPin);
            if (userPin.Length == 0 && !Unattended)
            {
                Output.Error(Messages.PolicyEmpty);
                continue;
            }

            try
            {
                return await attempt(userPin);
            }
            catch (EnrollmentException e) when (e.Failure == refused && !Unattended && e.PinState is { } state)
            {
                if (state == PinState.Locked)
                {
                    return null;
                }

                PinFlow.ReportWrongPin(state);
            }
        }
    }

    /// <summary>
    /// Reads a PIN. Interactive: <c>c</c> instead of the PIN (or Esc in a terminal) asks to cancel, confirmed as at every
    /// step; not confirmed, the same prompt comes again.
    /// </summary>
    /// <exception cref="WizardCancelledException">The user cancelled and confirmed it.</exception>
    private PinBuffer ReadPin(PinReader reader, string prompt)
    {
        if (Unattended)
        {
            return reader.Read(prompt);
        }

        while (true)
        {
            if (reader.ReadOrCancel(prompt) is { } pin)
            {
                return pin;
            }

            if (ConfirmCancel(reader))
            {
                throw new WizardCancelledException();
            }
        }
    }

    /// <summary>Function 2: the user PIN change with the enrollment rules (the holder's names from the token), asked again after a refused new PIN.</summary>
    private int ChangeUserPin(AttachedToken token, PinReader reader)
    {
        Say(Messages.PinChangeTitle);
        Say(Messages.WizardPinCancelHint);
        int? stop = PinFlow.BeforeLogin(token, _yes, !Console.IsInputRedirected);
        try
        {
            return stop ?? PinCommands.ChangeUserPin(token, prompt => ReadPin(reader, prompt), [], _json, askAgain: true);
        }
        catch (WizardCancelledException)
        {
            // Nothing to continue later: the PIN is as it was.
            return Cancelled("cancelled", Messages.Cancelled);
        }
    }

    /// <summary>Before the storage PIN was spent a rerun continues anyway; after, only within the resume window.</summary>
    private string CancelledMessage => _storagePinSpent ? Messages.EnrollCancelledAfterStoragePin : Messages.EnrollCancelled;

    private bool ConfirmCancel(PinReader reader)
    {
        string answer = reader.ReadAnswer(_storagePinSpent ? Messages.WizardConfirmCancelAfterStoragePin : Messages.WizardConfirmCancel);
        return answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase);
    }

    private static string[] Problems(AssignedUserResponse user, PinBuffer candidate, PinBuffer confirmation)
    {
        using PinBuffer none = PinBuffer.FromBytes([]);
        var (policy, strength) = new PinChanger(new PinPolicyValidator(), new PinStrengthEvaluator(new PinStrengthOptions { Names = [user.RomanizedName] }))
            .Check(none, candidate, confirmation);
        return policy.Violations.Select(v => Describe.Violation(v, policy)).Concat(strength?.RefusalReasons.Select(Describe.Weakness) ?? []).ToArray();
    }

    private void Step(string title) => Say(title);

    private void Say(string text)
    {
        if (!_json)
        {
            Output.Line(text);
        }
    }

    /// <summary>
    /// The error screen (and JSON): token serial, stable code, message for the operator. With <paramref name="information"/>
    /// (an outcome that is no failure for the user) that text is shown instead of the error screen, on standard output
    /// unless it carries the JSON.
    /// </summary>
    private int Fail(string code, string message, int exit, string? detail = null, string[]? problems = null, string? information = null)
    {
        if (_json)
        {
            Output.Json(new { result = "error", tokenSerial = _serial, code, message, detail, problems = problems ?? [], operatorContact = _contact, exitCode = exit });
        }

        if (information is not null)
        {
            if (_json)
            {
                Output.Error(information);
            }
            else
            {
                Output.Line(information);
            }

            return exit;
        }

        Output.Error(ErrorReporter.Format(Messages.EnrollErrorScreen, _serial ?? "-", code, message));
        foreach (string p in problems ?? [])
        {
            Output.Error("  " + p);
        }

        if (_contact is not null)
        {
            Output.Error(ErrorReporter.Format(Messages.EnrollContact, _contact));
        }

        return exit;
    }

    private int Cancelled(string code, string message)
    {
        if (_json)
        {
            Output.Json(new { result = "cancelled", tokenSerial = _serial, code, message, operatorContact = _contact, exitCode = ExitCodes.Refused });
        }

        Output.Error(message);
        return ExitCodes.Refused;
    }

    private static string Kebab(string name)
    {
        var builder = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private sealed class WizardCancelledException : Exception
    {
    }
}
