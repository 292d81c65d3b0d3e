using Kagi.Cli.Infrastructure;
using Kagi.Cli.Json;
using Kagi.Cli.Resources;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Commands;

/// <summary>STEP 4 when the user's own PIN is on the token already (a rerun after the PIN was set, or a reissue).</summary>
internal sealed partial class EnrollRun
{
    /// <summary>
    /// Interactive runs only, at STEP 4: when the token no longer opens with its transport PIN
    /// (<see cref="CertificateStorageFlow.CheckTokenPin"/>: a run interrupted after it set the user PIN, or the certificate
    /// of a reissued order), asks for the user PIN set then (one entry, no new PIN and confirmation) and stores with it.
    /// A PIN the token refuses is asked for again with the token's PIN state, as in the restore; a locked PIN ends with
    /// user-pin-locked. The transport PIN is tried once, by the check; no other login fails but the user's wrong PINs.
    /// </summary>
    /// <returns>null when the transport PIN opens the token (STEP 4 goes on with a new PIN); otherwise the exit code.</returns>
    private async Task<int?> StoreWithPinSetBeforeAsync(CertificateStorageFlow flow, PinReader reader, bool resumed, CancellationToken ct)
    {
        if (Unattended)
        {
            // The new-PIN line serves as that PIN (StoreAsync logs in with it when the transport PIN fails).
            return null;
        }

        TokenPinCheck check = flow.CheckTokenPin();
        if (check.TransportPinAccepted)
        {
            return null;
        }

        if (check.PinState == PinState.Locked)
        {
            return Fail("user-pin-locked", Messages.AdviceLocked, ExitCodes.PinLocked);
        }

        Gate(reader, Messages.EnrollPinSetBeforeHint);
        bool storing = false;
        StoredCertificate? stored = await WithUserPinAsync(reader, EnrollmentFailure.TokenPinRejected, pin =>
        {
            if (!storing)
            {
                Step(Messages.EnrollStep5);
                storing = true;
            }

            return flow.StoreAsync(pin, ct: ct);
        });
        return stored is null ? Fail("user-pin-locked", Messages.AdviceLocked, ExitCodes.PinLocked) : ShowStored(stored, resumed);
    }

    /// <summary>The success screen (and JSON) of a stored certificate.</summary>
    private int ShowStored(StoredCertificate stored, bool resumed)
    {
        if (_json)
        {
            Output.Json(new
            {
                result = "stored",
                tokenSerial = stored.TokenSerial,
                serialNumber = stored.SerialNumber,
                subject = stored.Subject,
                notBefore = CertificateJson.Iso(stored.NotBefore),
                notAfter = CertificateJson.Iso(stored.NotAfter),
                resumed,
            });
        }
        else
        {
            Output.Line(ErrorReporter.Format(Messages.EnrollDone, stored.SerialNumber, stored.Subject, CertificateJson.Iso(stored.NotBefore), CertificateJson.Iso(stored.NotAfter)));
        }

        return ExitCodes.Ok;
    }
}
