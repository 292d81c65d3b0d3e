using System.CommandLine;
using System.Text;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Tokens.Pins;
using Kagi.Tokens.Tokens;
using Spectre.Console;

namespace Kagi.Cli.Commands;

/// <summary>
/// <c>kagi enroll</c>: the certificate storage wizard in the terminal (STEP 1–5), or unattended with every answer
/// from options and standard input (storage PIN, new user PIN, confirmation — one per line).
/// </summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        Option<string?> server = new("--server") { Description = Messages.OptServer, HelpName = "URL" };
        Option<string?> serverCa = new("--server-ca") { Description = Messages.OptServerCa, HelpName = "FILE" };
        Option<bool> yes = GlobalOptions.Yes();
        Option<bool> stdin = new("--pins-stdin") { Description = Messages.OptEnrollPinsStdin };
        Option<bool> json = GlobalOptions.Json();
        var command = new Command("enroll", Messages.CmdEnroll) { server, serverCa, yes, stdin, json };
        command.SetAction((parse, ct) => Task.Run(async () =>
        {
            using var context = new CliContext(parse);
            bool unattended = parse.GetValue(stdin);
            bool asJson = parse.GetValue(json);
            string? serial = null;
            try
            {
                AttachedToken token = context.SelectToken();
                serial = token.Info.Serial;
                KagiApiClient api = ServerConnection.Create(parse.GetValue(server), parse.GetValue(serverCa));
                var flow = new CertificateStorageFlow(api, token, ServerConnection.Origin(parse.GetValue(server)));
                var reader = new PinReader(unattended);
                void Step(string title)
                {
                    if (!asJson)
                    {
                        Output.Line(title);
                    }
                }

                Step(Messages.EnrollStep1);
                await flow.AuthenticateTokenAsync(ct);

                Step(Messages.EnrollStep2);
                AssignedUserResponse user = await flow.GetAssignedUserAsync(ct);
                if (!asJson)
                {
                    Output.Line(ErrorReporter.Format(Messages.EnrollUserIs, user.RomanizedName, serial, user.CertificateId));
                }

                if (!parse.GetValue(yes) && (unattended || !AnsiConsole.Confirm(Messages.EnrollConfirmUser, defaultValue: false)))
                {
                    Output.Error(Messages.EnrollWrongUser);
                    return ExitCodes.Refused;
                }

                string[] Problems(PinBuffer candidate, PinBuffer confirmation)
                {
                    using PinBuffer none = PinBuffer.FromBytes([]);
                    var (policy, strength) = new PinChanger(new PinPolicyValidator(), new PinStrengthEvaluator(new PinStrengthOptions { Names = [user.RomanizedName] }))
                        .Check(none, candidate, confirmation);
                    return policy.Violations.Select(v => Describe.Violation(v, policy)).Concat(strength?.RefusalReasons.Select(Describe.Weakness) ?? []).ToArray();
                }

                int Refuse(string[] problems)
                {
                    Output.Error(Messages.ErrNewPinRejected);
                    foreach (string p in problems)
                    {
                        Output.Error("  " + p);
                    }

                    return ExitCodes.PinRejected;
                }

                // Unattended runs read every answer first and check the new PIN before the storage PIN is spent.
                PinBuffer? storagePin = unattended ? reader.Read(Messages.PromptStoragePin) : null;
                PinBuffer? newPin = null;
                if (unattended)
                {
                    PinBuffer candidate = reader.Read(Messages.PromptNewPin);
                    using PinBuffer confirmation = reader.Read(Messages.PromptConfirmPin);
                    string[] problems = Problems(candidate, confirmation);
                    if (problems.Length > 0)
                    {
                        candidate.Dispose();
                        storagePin?.Dispose();
                        return Refuse(problems);
                    }

                    newPin = candidate;
                }

                Step(Messages.EnrollStep3);
                while (true)
                {
                    storagePin ??= reader.Read(Messages.PromptStoragePin);
                    using PinBuffer entered = storagePin;
                    storagePin = null;
                    if (entered.Length == 0)
                    {
                        Output.Error(Messages.EnrollStoragePinEmpty);
                        if (unattended)
                        {
                            return ExitCodes.Usage;
                        }

                        continue;
                    }

                    StoragePinCheck check = await flow.VerifyStoragePinAsync(Encoding.UTF8.GetString(entered.Bytes), ct);
                    if (check.Accepted)
                    {
                        break;
                    }

                    Output.Error(ErrorReporter.Format(Messages.EnrollStoragePinWrong, check.AttemptsLeft?.ToString(System.Globalization.CultureInfo.CurrentCulture) ?? "?"));
                    if (unattended)
                    {
                        newPin?.Dispose();
                        return ExitCodes.WrongPin;
                    }
                }

                Step(Messages.EnrollStep4);
                if (!asJson)
                {
                    Output.Line(Messages.EnrollPinRules);
                }

                while (newPin is null)
                {
                    PinBuffer candidate = reader.Read(Messages.PromptNewPin);
                    using PinBuffer confirmation = reader.Read(Messages.PromptConfirmPin);
                    string[] problems = Problems(candidate, confirmation);
                    if (problems.Length == 0)
                    {
                        newPin = candidate;
                        break;
                    }

                    candidate.Dispose();
                    Refuse(problems);
                }

                Step(Messages.EnrollStep5);
                StoredCertificate stored;
                using (newPin)
                {
                    stored = await flow.StoreAsync(newPin, ct: ct);
                }

                if (asJson)
                {
                    Output.Json(new { result = "stored", tokenSerial = stored.TokenSerial, serialNumber = stored.SerialNumber, subject = stored.Subject, notBefore = CertificateJson.Iso(stored.NotBefore), notAfter = CertificateJson.Iso(stored.NotAfter) });
                }
                else
                {
                    Output.Line(ErrorReporter.Format(Messages.EnrollDone, stored.SerialNumber, stored.Subject, CertificateJson.Iso(stored.NotBefore), CertificateJson.Iso(stored.NotAfter)));
                }

                return ExitCodes.Ok;
            }
            catch (EnrollmentException e)
            {
                string message = e.Failure switch
                {
                    EnrollmentFailure.UnknownToken or EnrollmentFailure.TokenNotDistributed or EnrollmentFailure.TokenAuthenticationFailed => Messages.EnrollErrTokenNotRecognized,
                    EnrollmentFailure.NoAssignment => Messages.EnrollErrNoAssignment,
                    EnrollmentFailure.AlreadyStored => Messages.EnrollErrAlreadyStored,
                    EnrollmentFailure.StoragePinLocked => Messages.EnrollErrStoragePinLocked,
                    EnrollmentFailure.StoragePinExpired => Messages.EnrollErrStoragePinExpired,
                    EnrollmentFailure.TokenPinRejected => Messages.EnrollErrTokenPin,
                    _ => Messages.EnrollErrServer,
                };
                string code = e.ServerCode ?? e.Failure.ToString();
                if (asJson)
                {
                    Output.Json(new { result = "error", tokenSerial = serial, code, message });
                }

                Output.Error(ErrorReporter.Format(Messages.EnrollErrorScreen, serial ?? "-", code, message));
                return e.Failure switch
                {
                    EnrollmentFailure.AlreadyStored => ExitCodes.Refused,
                    EnrollmentFailure.StoragePinLocked or EnrollmentFailure.StoragePinExpired => ExitCodes.PinLocked,
                    _ => ExitCodes.ServerError,
                };
            }
            catch (HttpRequestException e)
            {
                Output.Error(ErrorReporter.Format(Messages.EnrollErrorScreen, serial ?? "-", "server-unreachable", ErrorReporter.Format(Messages.ErrServerUnreachable, e.Message)));
                return ExitCodes.ServerError;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return ErrorReporter.Report(e);
            }
        }, ct));
        return command;
    }
}
