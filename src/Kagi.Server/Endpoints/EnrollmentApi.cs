using System.Text;
using Kagi.Protocol;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Entities;
using Kagi.Registry.Nonces;
using Kagi.Registry.Pins;
using Kagi.Server.Enrollment;
using Kagi.Server.Options;
using Kagi.Server.Problems;
using Kagi.Server.Security;
using Kagi.Tokens.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Endpoints;

/// <summary>
/// The enrollment API used by the certificate storage wizard: token authentication, user confirmation, storage
/// PIN, certificate request, stored confirmation. Unauthenticated endpoints are rate limited per client address.
/// </summary>
public static class EnrollmentApi
{
    /// <summary>Purpose string of token authentication nonces.</summary>
    public const string NoncePurpose = "token-authentication";

    /// <summary>Maps /api/v1/enrollment/*.</summary>
    public static IEndpointRouteBuilder MapEnrollmentApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1/enrollment").WithTags("Enrollment").RequireRateLimiting(RateLimits.Enrollment)
            .LimitRequestBody(Hosting.KagiServerHost.MaxRequestBodyBytes);
        api.MapPost("/nonce", IssueNonce);
        api.MapPost("/authenticate", Authenticate);
        api.MapGet("/user", AssignedUser).Add(TicketFirst);
        api.MapPost("/storage-pin", VerifyStoragePin).Add(TicketFirst);
        api.MapPost("/resume", Resume).Add(TicketFirst);
        api.MapPost("/certificate", RequestCertificate).Add(TicketFirst);
        api.MapPost("/certificate/restore", RestoreCertificate).Add(TicketFirst);
        api.MapPost("/stored", ReportStored).Add(TicketFirst);
        return app;
    }

    /// <summary>
    /// Refuses a request without a valid (signed, unexpired) ticket before its body is read, so a client that has
    /// not authenticated a token always gets 401, whatever it sends. The handlers still resolve the ticket against
    /// the token's current assignment.
    /// </summary>
    private static void TicketFirst(EndpointBuilder endpoint)
    {
        RequestDelegate? inner = endpoint.RequestDelegate;
        if (inner is null)
        {
            return;
        }

        endpoint.RequestDelegate = async http =>
        {
            SecretProtector secrets = http.RequestServices.GetRequiredService<SecretProtector>();
            TimeProvider time = http.RequestServices.GetRequiredService<TimeProvider>();
            EnrollmentTicket? ticket = EnrollmentTicket.Decode(EnrollmentTicket.FromHeader(http.Request.Headers.Authorization), secrets.TicketKey, time.GetUtcNow());
            if (ticket is null)
            {
                await ApiProblem.Unauthorized(ErrorCodes.TicketInvalid, "Authenticate the token first; the enrollment ticket is missing, invalid or expired.")
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            EnrollmentContext.Remember(http, ticket); // the handler resolves it without decoding it again
            await inner(http).ConfigureAwait(false);
        };
    }

    /// <summary>Issues a single-use nonce for a known token.</summary>
    public static async Task<Results<Ok<NonceResponse>, ProblemHttpResult>> IssueNonce(NonceRequest request, EnrollmentService enrollment, NonceService nonces, CancellationToken ct)
    {
        if (!Input.IsSerial(request?.Serial))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "serial must be 1-64 printable ASCII characters.");
        }

        if (await enrollment.FindByTokenAsync(request!.Serial, ct) is null)
        {
            return ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered.");
        }

        IssuedNonce nonce = await nonces.IssueAsync(NoncePurpose, request.Serial, ct);
        return TypedResults.Ok(new NonceResponse(nonce.Value, nonce.ExpiresAt));
    }

    /// <summary>Verifies the distribution key's signature over the nonce and hands out an enrollment ticket.</summary>
    public static async Task<Results<Ok<TicketResponse>, ProblemHttpResult>> Authenticate(
        TokenAuthenticationRequest request, HttpContext http, EnrollmentService enrollment, NonceService nonces, SecretProtector secrets,
        KagiServerOptions options, Kagi.Registry.Audit.AuditLog audit, Kagi.Registry.Data.KagiDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!Input.IsSerial(request?.Serial) || string.IsNullOrEmpty(request!.Nonce) || request.Nonce.Length > 128 || !Input.TryBase64(request.Signature, 1024, out byte[] signature))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "serial, nonce and a base64 signature are required.");
        }

        EnrollmentStatus? status = await enrollment.FindByTokenAsync(request.Serial, ct);
        if (status is null)
        {
            return ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered.");
        }

        if (status.DistributionPublicKey is null)
        {
            return ApiProblem.Conflict(ErrorCodes.TokenNotDistributed, "The token has not been distributed by the CA operator.");
        }

        if (await nonces.ConsumeAsync(request.Nonce, NoncePurpose, request.Serial, ct) != NonceOutcome.Consumed)
        {
            return ApiProblem.BadRequest(ErrorCodes.NonceInvalid, "The nonce is unknown, expired or already used; request a new one.");
        }

        byte[] digest = TokenAuthentication.Digest(options.PublicOrigin, request.Serial, request.Nonce);
        Token? token = await db.Tokens.FindAsync([status.TokenId], ct);
        bool modelMatches = token is not null && token.Manufacturer == request.Manufacturer && token.Model == request.Model;
        if (!modelMatches || !DistributionKey.Verify(status.DistributionPublicKey, digest, signature))
        {
            await audit.AppendAsync(EnrollmentContext.Actor(http, request.Serial), "token.authentication-failed", "token:" + request.Serial, null, ct);
            return ApiProblem.Unauthorized(ErrorCodes.TokenAuthenticationFailed, "The token could not prove it is the distributed token.");
        }

        if (status.AssignmentId is null || status.User is null)
        {
            return ApiProblem.Conflict(ErrorCodes.NoAssignment, "The token is not assigned to a user.");
        }

        var ticket = new EnrollmentTicket(request.Serial, status.AssignmentId.Value, PinVerified: false, time.GetUtcNow().Add(EnrollmentContext.TicketLifetime).ToUnixTimeSeconds());
        return TypedResults.Ok(EnrollmentContext.NewTicket(ticket, secrets));
    }

    /// <summary>The user the authenticated token is assigned to.</summary>
    public static async Task<Results<Ok<AssignedUserResponse>, ProblemHttpResult>> AssignedUser(
        HttpContext http, SecretProtector secrets, EnrollmentService enrollment, KagiServerOptions options, TimeProvider time, CancellationToken ct)
    {
        var (_, status, problem) = await EnrollmentContext.ResolveAsync(http, secrets, enrollment, time, requirePin: false);
        if (problem is not null)
        {
            return problem;
        }

        // The order's generation (how often it was reissued) with its certificate ID tells the client which key pair
        // on the token is the order's (its CKA_ID): a reopened order needs a new key pair, a rerun finds its own.
        int generation = await enrollment.GenerationAsync(status!.Order!, ct);
        if (status.Order!.State == OrderState.Stored)
        {
            // So the client can check that the certificate is really there and restore it when the token lost it.
            return ApiProblem.Conflict(ErrorCodes.CertificateAlreadyStored, "A certificate is already stored on this token.",
                new Dictionary<string, object?> { ["certificateId"] = status.Order.CertificateId, ["generation"] = generation });
        }

        return TypedResults.Ok(new AssignedUserResponse(status.User!.RomanizedName, status.Serial, status.Order.CertificateId, options.OperatorContact, generation));
    }

    /// <summary>Verifies the storage PIN; on success returns an upgraded ticket and the token's transport PIN.</summary>
    public static async Task<Results<Ok<StoragePinResponse>, ProblemHttpResult>> VerifyStoragePin(
        StoragePinRequest request, HttpContext http, SecretProtector secrets, EnrollmentService enrollment, StoragePinService pins,
        Kagi.Registry.Data.KagiDbContext db, TimeProvider time, CancellationToken ct)
    {
        // The ticket first: a client that has not authenticated the token learns nothing about its input.
        var (ticket, status, problem) = await EnrollmentContext.ResolveAsync(http, secrets, enrollment, time, requirePin: false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(request?.StoragePin) || request.StoragePin.Length > 64)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "storagePin is required (at most 64 characters).");
        }

        StoragePinVerification result = await pins.VerifyAsync(ticket!.Serial, request.StoragePin, EnrollmentContext.Actor(http, ticket.Serial), ct);
        switch (result.Outcome)
        {
            case StoragePinOutcome.Wrong when result.AttemptsLeft > 0:
                return ApiProblem.BadRequest(ErrorCodes.StoragePinWrong, "The storage PIN is wrong.", new Dictionary<string, object?> { ["attemptsLeft"] = result.AttemptsLeft });
            case StoragePinOutcome.Wrong or StoragePinOutcome.Locked:
                // The last wrong attempt locks the PIN: the client is told so at once, not on its next try.
                return ApiProblem.Forbidden(ErrorCodes.StoragePinLocked, "Too many wrong storage PINs; ask the CA operator to issue a new one.",
                    new Dictionary<string, object?> { ["attemptsLeft"] = 0 });
            case StoragePinOutcome.Expired:
                return ApiProblem.Forbidden(ErrorCodes.StoragePinExpired, "The storage PIN has expired; ask the CA operator to issue a new one.");
            case StoragePinOutcome.AlreadyUsed:
                return ApiProblem.Conflict(ErrorCodes.StoragePinUsed, "This storage PIN was already used; ask the CA operator to issue a new one.");
            case StoragePinOutcome.Ok:
                break;
            default:
                return ApiProblem.Conflict(ErrorCodes.StoragePinNotIssued, "No storage PIN was issued for this token; ask the CA operator to issue one.");
        }

        Token? token = await db.Tokens.FindAsync([status!.TokenId], ct);
        string transportPin = token?.EncryptedTransportPin is { } sealedPin
            ? Encoding.UTF8.GetString(secrets.Unprotect(sealedPin, SecretPurposes.TransportPin))
            : string.Empty;
        var upgraded = ticket with { PinVerified = true, PinId = result.PinId, ExpiresAt = time.GetUtcNow().Add(EnrollmentContext.TicketLifetime).ToUnixTimeSeconds() };
        TicketResponse t = EnrollmentContext.NewTicket(upgraded, secrets);
        return TypedResults.Ok(new StoragePinResponse(t.Ticket, t.ExpiresAt, transportPin));
    }

    /// <summary>
    /// Resumes an interrupted enrollment: when the assignment's current storage PIN was verified less than
    /// <see cref="EnrollmentContext.ResumeWindow"/> ago, a client that has just authenticated the token again (its
    /// ticket) gets a PIN-verified ticket for the same order and the transport PIN, as the verification gave it.
    /// After the window only a reissued storage PIN helps (<c>storage-pin-used</c>); with no verified PIN the client
    /// goes through STEP 3 (<c>storage-pin-not-verified</c>).
    /// </summary>
    public static async Task<Results<Ok<StoragePinResponse>, ProblemHttpResult>> Resume(
        HttpContext http, SecretProtector secrets, EnrollmentService enrollment, StoragePinService pins,
        Kagi.Registry.Data.KagiDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (ticket, status, current, problem) = await EnrollmentContext.ResolveWithStoragePinAsync(http, secrets, enrollment, time, requirePin: false);
        if (problem is not null)
        {
            return problem;
        }

        if (status!.Order!.State == OrderState.Stored)
        {
            return ApiProblem.Conflict(ErrorCodes.CertificateAlreadyStored, "A certificate is already stored on this token.");
        }

        if (current is null || current.State != StoragePinState.Used || current.UsedAt is null)
        {
            return ApiProblem.Forbidden(ErrorCodes.StoragePinNotVerified, "The storage PIN has not been verified; there is nothing to resume.");
        }

        DateTimeOffset now = time.GetUtcNow();
        if (current.UsedAt.Value + EnrollmentContext.ResumeWindow <= now)
        {
            return ApiProblem.Conflict(ErrorCodes.StoragePinUsed, "The storage PIN was used too long ago to resume; ask the CA operator to issue a new one.");
        }

        Token? token = await db.Tokens.FindAsync([status.TokenId], ct);
        string transportPin = token?.EncryptedTransportPin is { } sealedPin
            ? Encoding.UTF8.GetString(secrets.Unprotect(sealedPin, SecretPurposes.TransportPin))
            : string.Empty;
        await pins.RecordResumedAsync(ticket!.AssignmentId, current.Id, ticket.Serial, EnrollmentContext.Actor(http, ticket.Serial), ct);
        var upgraded = ticket with { PinVerified = true, PinId = current.Id, ExpiresAt = now.Add(EnrollmentContext.TicketLifetime).ToUnixTimeSeconds() };
        TicketResponse t = EnrollmentContext.NewTicket(upgraded, secrets);
        return TypedResults.Ok(new StoragePinResponse(t.Ticket, t.ExpiresAt, transportPin));
    }

    /// <summary>Certifies the key generated on the token (PKCS#10, base64 DER).</summary>
    public static async Task<Results<Ok<IssuedCertificateResponse>, ProblemHttpResult>> RequestCertificate(
        CertificateSigningRequest request, HttpContext http, SecretProtector secrets, EnrollmentService enrollment, IssuancePipeline pipeline, TimeProvider time, CancellationToken ct)
    {
        var (ticket, status, problem) = await EnrollmentContext.ResolveAsync(http, secrets, enrollment, time, requirePin: true);
        if (problem is not null)
        {
            return problem;
        }

        if (!Input.TryBase64(request?.Csr, 65536, out byte[] csr))
        {
            return ApiProblem.BadRequest(ErrorCodes.CsrMalformed, "csr must be base64 of a DER PKCS#10 request of at most 64 KiB.");
        }

        return await pipeline.IssueAsync(status!, csr, EnrollmentContext.Actor(http, ticket!.Serial), ct);
    }

    /// <summary>
    /// The certificate already stored for the order, again, for a token that lost it (see <see cref="CertificateRestore"/>):
    /// authorized by token authentication alone (the storage PIN is spent once the certificate is stored), answered
    /// only for a stored, unrevoked certificate of exactly the public key the client read from the token. Never issues.
    /// </summary>
    public static async Task<Results<Ok<IssuedCertificateResponse>, ProblemHttpResult>> RestoreCertificate(
        CertificateRestoreRequest request, HttpContext http, SecretProtector secrets, EnrollmentService enrollment, CertificateRestore restore, TimeProvider time, CancellationToken ct)
    {
        var (ticket, status, problem) = await EnrollmentContext.ResolveAsync(http, secrets, enrollment, time, requirePin: false);
        if (problem is not null)
        {
            return problem;
        }

        if (!Input.TryBase64(request?.PublicKey, 16384, out byte[] publicKey))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "publicKey must be base64 of a DER SubjectPublicKeyInfo.");
        }

        return await restore.RestoreAsync(status!, publicKey, EnrollmentContext.Actor(http, ticket!.Serial), ct);
    }

    /// <summary>
    /// The client reports the certificate is on the token: the assignment becomes active. On a reissued order the
    /// replaced certificate is revoked (superseded) with it and its CA's CRL published.
    /// </summary>
    public static async Task<Results<Ok<StoredResponse>, ProblemHttpResult>> ReportStored(
        StoredRequest request, HttpContext http, SecretProtector secrets, EnrollmentService enrollment, Ca.CrlPublisher crls,
        ILoggerFactory logs, TimeProvider time, CancellationToken ct)
    {
        var (ticket, status, problem) = await EnrollmentContext.ResolveAsync(http, secrets, enrollment, time, requirePin: true);
        if (problem is not null)
        {
            return problem;
        }

        if (request?.SerialNumber is not { Length: > 0 and <= 64 } reported || !reported.All(char.IsAsciiHexDigit))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "serialNumber must be the issued certificate's serial number in hexadecimal.");
        }

        if (status!.Order!.State == OrderState.Stored)
        {
            return TypedResults.Ok(new StoredResponse("active"));
        }

        if (status.Order.CertificateSerial is null || !string.Equals(status.Order.CertificateSerial, reported, StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "serialNumber is not the certificate issued for this order.");
        }

        var result = await enrollment.MarkStoredAsync(status.Order.CertificateId, EnrollmentContext.Actor(http, ticket!.Serial), ct);
        if (result.Code != Kagi.Registry.Enrollment.OrderCode.Done)
        {
            return ApiProblem.Conflict(ErrorCodes.Conflict, "The order is not in a state that can be marked stored.");
        }

        if (result.Superseded is { Count: > 0 } superseded)
        {
            try
            {
                await crls.PublishRevokedAsync(superseded.Select(c => c.IssuerCaId), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The revocation is committed with the stored state, and the client must hear that its certificate
                // is stored; the CRL follows with the next publication (any revocation, the hourly refresh, or
                // kagi admin ca publish-crl).
                logs.CreateLogger(typeof(EnrollmentApi)).LogWarning(e, "Publishing the CRL after revoking a superseded certificate failed.");
            }
        }

        return TypedResults.Ok(new StoredResponse("active"));
    }
}
