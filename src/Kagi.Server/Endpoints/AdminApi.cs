using System.Text;
using Kagi.Protocol;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Import;
using Kagi.Registry.Inventory;
using Kagi.Registry.Pins;
using Kagi.Registry.Tokens;
using Kagi.Server.Admin;
using Kagi.Server.Ca;
using Kagi.Server.Mail;
using Kagi.Server.Options;
using Kagi.Server.Problems;
using Kagi.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Endpoints;

/// <summary>The operator API: inventory, assignment, distribution, storage PINs, token states, revocation, audit.</summary>
public static class AdminApi
{
    /// <summary>Maps /api/v1/admin/*, every endpoint behind an operator API key.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        // The API key is checked before anything else, the body included: an endpoint filter would only run after
        // the body was read and bound, so a client without a key would learn about malformed bodies (400) first.
        RouteGroupBuilder api = app.MapGroup("/api/v1/admin").WithTags("Operator");
        api.LimitRequestBody(Hosting.KagiServerHost.MaxRequestBodyBytes);
        ((IEndpointConventionBuilder)api).Add(endpoint =>
        {
            RequestDelegate? inner = endpoint.RequestDelegate;
            if (inner is not null)
            {
                endpoint.RequestDelegate = http => AuthenticateFirstAsync(http, inner);
            }
        });
        api.MapPost("/users", CreateUser);
        api.MapPost("/users/import", ImportUsers);
        api.MapPost("/tokens", CreateToken);
        api.MapGet("/tokens", ListTokens);
        api.MapPost("/tokens/import", ImportTokens);
        api.MapPost("/tokens/{serial}/assignment", Assign);
        api.MapPost("/tokens/{serial}/distribution", RegisterDistribution);
        api.MapPost("/tokens/{serial}/storage-pin", IssueStoragePin);
        api.MapPost("/tokens/{serial}/state", ChangeState);
        api.MapGet("/assignments", ListAssignments);
        api.MapPost("/orders/{certificateId}/reopen", ReopenOrder);
        api.MapPost("/certificates/{serial}/revocation", Revoke);
        api.MapGet("/audit/verification", VerifyAudit);
        CaAdminApi.Map(api);
        return app;
    }

    private static async Task AuthenticateFirstAsync(HttpContext http, RequestDelegate inner)
    {
        object? refused = await ApiKeyAuthentication.Filter(new DefaultEndpointFilterInvocationContext(http), async _ =>
        {
            await inner(http).ConfigureAwait(false);
            return null;
        }).ConfigureAwait(false);
        if (refused is IResult result)
        {
            await result.ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    /// <summary>Registers a user.</summary>
    public static async Task<Results<Created<UserDto>, ProblemHttpResult>> CreateUser(UserDto user, HttpContext http, InventoryService inventory, CancellationToken ct)
    {
        var input = new NewUser(user?.RomanizedName, user?.KanjiName, user?.Email, user?.Organization, user?.EmployeeId);
        List<InputError> invalid = Check(input);
        if (invalid.Count > 0)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The user is invalid.", Errors(invalid));
        }

        RegistrationResult result = await inventory.RegisterUserAsync(input, ApiKeyAuthentication.Actor(http), ct);
        return result.Code switch
        {
            RegistrationCode.Registered => TypedResults.Created($"/api/v1/admin/users/{Uri.EscapeDataString(user!.EmployeeId)}", user),
            RegistrationCode.Duplicate => ApiProblem.Conflict(ErrorCodes.Conflict, "A user with this employee ID or e-mail already exists."),
            _ => ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The user is invalid.", Errors(result.Errors)),
        };
    }

    /// <summary>Registers a token.</summary>
    public static async Task<Results<Created<TokenDto>, ProblemHttpResult>> CreateToken(TokenDto token, HttpContext http, InventoryService inventory, CancellationToken ct)
    {
        var input = new NewToken(token?.Serial, token?.Manufacturer, token?.Model);
        List<InputError> invalid = Check(input);
        if (invalid.Count > 0)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token is invalid.", Errors(invalid));
        }

        RegistrationResult result = await inventory.RegisterTokenAsync(input, ApiKeyAuthentication.Actor(http), ct);
        return result.Code switch
        {
            RegistrationCode.Registered => TypedResults.Created($"/api/v1/admin/tokens/{Uri.EscapeDataString(token!.Serial)}", token with { State = "inStock", Distributed = false }),
            RegistrationCode.Duplicate => ApiProblem.Conflict(ErrorCodes.Conflict, "A token with this serial number already exists."),
            _ => ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token is invalid.", Errors(result.Errors)),
        };
    }

    /// <summary>Lists the token inventory.</summary>
    public static async Task<Ok<TokenDto[]>> ListTokens(KagiDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Tokens.AsNoTracking().OrderBy(t => t.Serial)
            .Select(t => new TokenDto(t.Serial, t.Manufacturer, t.Model, Camel(t.State), t.DistributionPublicKey != null)).ToArrayAsync(ct));

    /// <summary>Imports users from CSV (UTF-8 or Shift_JIS): all rows or none.</summary>
    public static Task<Results<Ok<ImportResultDto>, ProblemHttpResult>> ImportUsers(HttpContext http, InventoryService inventory, CancellationToken ct) =>
        Import(http, s => inventory.ImportUsersAsync(s, ApiKeyAuthentication.Actor(http), ct));

    /// <summary>Imports tokens from CSV (UTF-8 or Shift_JIS): all rows or none.</summary>
    public static Task<Results<Ok<ImportResultDto>, ProblemHttpResult>> ImportTokens(HttpContext http, InventoryService inventory, CancellationToken ct) =>
        Import(http, s => inventory.ImportTokensAsync(s, ApiKeyAuthentication.Actor(http), ct));

    private static async Task<Results<Ok<ImportResultDto>, ProblemHttpResult>> Import(HttpContext http, Func<Stream, Task<ImportResult>> import)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        buffer.Position = 0;
        ImportResult result = await import(buffer);
        var dto = new ImportResultDto(result.Imported, result.Errors.Select(e => new ImportErrorDto(e.Row, Echo(e.Column), Camel(e.Code))).ToArray());
        return result.Errors.Count == 0 ? TypedResults.Ok(dto) : ApiProblem.BadRequest(ErrorCodes.ImportFailed, "Nothing was imported; see errors.", new Dictionary<string, object?> { ["errors"] = dto.Errors });
    }

    // A column name from the file is echoed in errors: at most 64 characters, without control characters.
    private static string? Echo(string? column) =>
        column is null ? null : new string(column.Where(c => !char.IsControl(c)).Take(Kagi.Registry.Data.Limits.Identifier).ToArray());

    /// <summary>Assigns a token to a user and opens the enrollment order.</summary>
    public static async Task<Results<Ok<AssignmentDto>, ProblemHttpResult>> Assign(string serial, AssignRequest request, HttpContext http, InventoryService inventory, KagiDbContext db, CancellationToken ct)
    {
        if (!Input.IsSerial(serial))
        {
            return BadSerial();
        }

        string? employeeId = request?.EmployeeId?.Trim();
        if (!Input.IsIdentifier(employeeId))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "employeeId must be an employee ID (1-64 letters, digits, '.', '_', '-').",
                Errors([new InputError(Fields.EmployeeId, string.IsNullOrEmpty(employeeId) ? InputErrorCode.Required : InputErrorCode.InvalidCharacters)]));
        }

        AssignmentResult result = await inventory.AssignAsync(serial, employeeId!, ApiKeyAuthentication.Actor(http), ct);
        return result.Code switch
        {
            AssignmentCode.Assigned => TypedResults.Ok((await Assignments(db, result.AssignmentId, ct)).Single()),
            AssignmentCode.TokenNotFound => ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered."),
            AssignmentCode.UserNotFound => ApiProblem.NotFound(ErrorCodes.NotFound, "No user with this employee ID is registered."),
            _ => ApiProblem.Conflict(ErrorCodes.InvalidStateTransition, $"The token cannot be assigned ({result.Code}).", new Dictionary<string, object?> { ["reason"] = Camel(result.Code) }),
        };
    }

    /// <summary>Registers a distributed token: its distribution public key and (encrypted) SO and transport PINs.</summary>
    public static async Task<Results<Ok<TokenDto>, ProblemHttpResult>> RegisterDistribution(
        string serial, DistributionRequest request, HttpContext http, InventoryService inventory, SecretProtector secrets, KagiDbContext db, CancellationToken ct)
    {
        if (!Input.IsSerial(serial))
        {
            return BadSerial();
        }

        // Everything the API can check is checked before the registry is asked.
        if (request is null || !Input.TryBase64(request.DistributionPublicKey, 4096, out byte[] publicKey) || !Input.IsDistributionKey(publicKey)
            || !Input.IsPin(request.SoPin) || !Input.IsPin(request.TransportPin))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed,
                "distributionPublicKey (base64 SubjectPublicKeyInfo of an EC P-256/P-384/P-521 or RSA 2048+ key), soPin and transportPin (1-64 printable ASCII characters) are required.");
        }

        // An unknown token is registered in the same transaction as its distribution: if the distribution is
        // refused, the registration is not kept either.
        var token = new NewToken(serial, request.Manufacturer, request.Model);
        if (!await db.Tokens.AnyAsync(t => t.Serial == serial, ct) && Check(token) is { Count: > 0 } invalid)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token could not be registered.", Errors(invalid));
        }

        var result = await inventory.RegisterAndRecordDistributionAsync(token,
            publicKey,
            secrets.Protect(Encoding.UTF8.GetBytes(request.SoPin), SecretPurposes.SoPin),
            secrets.Protect(Encoding.UTF8.GetBytes(request.TransportPin), SecretPurposes.TransportPin),
            ApiKeyAuthentication.Actor(http),
            ct);
        return result.Code switch
        {
            DistributionCode.Recorded => TypedResults.Ok(await Token(db, serial, ct)),
            DistributionCode.TokenNotFound => ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered."),
            DistributionCode.InvalidPublicKey => ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "distributionPublicKey is not a supported public key."),
            DistributionCode.InvalidToken => ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token could not be registered.", Errors(result.Errors)),
            DistributionCode.Conflict => ApiProblem.Conflict(ErrorCodes.Conflict, "The token was changed at the same time; nothing was recorded, try again."),
            _ => ApiProblem.Conflict(ErrorCodes.InvalidStateTransition, $"The token cannot be distributed in its state ({result.TokenState})."),
        };
    }

    /// <summary>Issues (or re-issues) the storage PIN of the token's open assignment and mails it to the user.</summary>
    public static async Task<Results<Ok<StoragePinIssuedDto>, ProblemHttpResult>> IssueStoragePin(
        string serial, HttpContext http, StoragePinService pins, KagiDbContext db, IMailSender mail, KagiServerOptions options, CancellationToken ct)
    {
        if (!Input.IsSerial(serial))
        {
            return BadSerial();
        }

        var open = await (from t in db.Tokens.AsNoTracking()
                          join a in db.Assignments.AsNoTracking() on t.Id equals a.TokenId
                          join u in db.Users.AsNoTracking() on a.UserId equals u.Id
                          where t.Serial == serial && a.EndedAt == null
                          select new { a.Id, u.Email, u.RomanizedName }).FirstOrDefaultAsync(ct);
        if (open is null)
        {
            return await db.Tokens.AnyAsync(t => t.Serial == serial, ct)
                ? ApiProblem.NotFound(ErrorCodes.NoAssignment, "The token has no open assignment.")
                : ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered.");
        }

        StoragePinIssue issued = await pins.IssueAsync(open.Id, ApiKeyAuthentication.Actor(http), ct);
        if (issued.Code != StoragePinIssueCode.Issued)
        {
            return ApiProblem.Conflict(ErrorCodes.Conflict, $"No storage PIN could be issued ({issued.Code}).");
        }

        await mail.SendAsync(StoragePinMail.Create(options.Mail.Language, open.Email, open.RomanizedName, serial, issued.Pin, issued.ExpiresAt!.Value, options.StoragePin.MaxAttempts, options.OperatorContact), ct);
        return TypedResults.Ok(new StoragePinIssuedDto(open.Id, open.Email, issued.ExpiresAt.Value));
    }

    /// <summary>Moves a token to another state (only allowed transitions happen).</summary>
    public static async Task<Results<Ok<TokenDto>, ProblemHttpResult>> ChangeState(string serial, TokenStateRequest request, HttpContext http, TokenStateMachine machine, KagiDbContext db, CancellationToken ct)
    {
        if (!Input.IsSerial(serial))
        {
            return BadSerial();
        }

        if (!Input.TryEnumName(request?.State, out TokenState target))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "state must be one of inStock, assigned, active, suspended, lost, damaged, terminated.");
        }

        TransitionResult result = await machine.TransitionAsync(serial, target, ApiKeyAuthentication.Actor(http), cancellationToken: ct);
        return result.Code switch
        {
            TransitionCode.Done => TypedResults.Ok(await Token(db, serial, ct)),
            TransitionCode.TokenNotFound => ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered."),
            _ => ApiProblem.Conflict(ErrorCodes.InvalidStateTransition, $"The token cannot go from {result.From} to {target} ({result.Code}).",
                new Dictionary<string, object?> { ["from"] = result.From is { } f ? Camel(f) : null, ["to"] = Camel(target) }),
        };
    }

    /// <summary>Lists assignments with their orders.</summary>
    public static async Task<Ok<AssignmentDto[]>> ListAssignments(KagiDbContext db, CancellationToken ct) => TypedResults.Ok(await Assignments(db, null, ct));

    /// <summary>Reopens an issued order so the token may send a new CSR (e.g. after the key was lost before it was stored).</summary>
    public static async Task<Results<Ok<AssignmentDto>, ProblemHttpResult>> ReopenOrder(
        string certificateId, HttpContext http, Kagi.Registry.Enrollment.EnrollmentService enrollment, KagiDbContext db, CancellationToken ct)
    {
        if (certificateId.Length is 0 or > 64 || !certificateId.All(char.IsAsciiLetterOrDigit))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "certificateId must be letters and digits.");
        }

        var result = await enrollment.ReopenAsync(certificateId, ApiKeyAuthentication.Actor(http), ct);
        if (result.Code == Kagi.Registry.Enrollment.OrderCode.OrderNotFound)
        {
            return ApiProblem.NotFound(ErrorCodes.NotFound, "No order has this certificate ID.");
        }

        if (result.Code != Kagi.Registry.Enrollment.OrderCode.Done)
        {
            return ApiProblem.Conflict(ErrorCodes.InvalidStateTransition, $"The order cannot be reopened ({result.State}).");
        }

        long assignmentId = await db.EnrollmentOrders.AsNoTracking().Where(o => o.CertificateId == certificateId).Select(o => o.AssignmentId).SingleAsync(ct);
        return TypedResults.Ok((await Assignments(db, assignmentId, ct)).Single());
    }

    /// <summary>Revokes a certificate and publishes a new CRL.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string serial, RevokeRequest request, HttpContext http, CrlPublisher crls, CancellationToken ct)
    {
        if (serial.Replace(":", string.Empty, StringComparison.Ordinal) is not { Length: > 0 and <= 64 } hex || !hex.All(char.IsAsciiHexDigit))
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The certificate serial number must be hexadecimal (colons allowed).");
        }

        if (!Input.TryEnumName(request?.Reason, out RevocationReason reason) || reason is RevocationReason.RemoveFromCrl)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "reason must be an RFC 5280 reason such as keyCompromise or cessationOfOperation.");
        }

        return await crls.RevokeAsync(serial, reason, ApiKeyAuthentication.Actor(http), ct) switch
        {
            RevocationOutcome.Revoked => TypedResults.NoContent(),
            RevocationOutcome.AlreadyRevoked => ApiProblem.Conflict(ErrorCodes.Conflict, "The certificate is already revoked."),
            _ => ApiProblem.NotFound(ErrorCodes.NotFound, "No certificate with this serial number was issued here."),
        };
    }

    /// <summary>Checks the audit chain.</summary>
    public static async Task<Ok<AuditVerificationDto>> VerifyAudit(AuditLog audit, CancellationToken ct)
    {
        var result = await audit.VerifyAsync(ct);
        return TypedResults.Ok(new AuditVerificationDto(result.Intact, result.EntriesChecked, result.FirstBrokenSequence));
    }

    private static async Task<TokenDto> Token(KagiDbContext db, string serial, CancellationToken ct) =>
        await db.Tokens.AsNoTracking().Where(t => t.Serial == serial)
            .Select(t => new TokenDto(t.Serial, t.Manufacturer, t.Model, Camel(t.State), t.DistributionPublicKey != null)).SingleAsync(ct);

    private static Task<AssignmentDto[]> Assignments(KagiDbContext db, long? id, CancellationToken ct) =>
        (from a in db.Assignments.AsNoTracking()
         join t in db.Tokens.AsNoTracking() on a.TokenId equals t.Id
         join u in db.Users.AsNoTracking() on a.UserId equals u.Id
         join o in db.EnrollmentOrders.AsNoTracking() on a.Id equals o.AssignmentId
         where id == null || a.Id == id
         orderby a.Id, o.Id
         select new AssignmentDto(a.Id, t.Serial, u.EmployeeId, Camel(a.State), o.CertificateId, Camel(o.State), o.CertificateSerial)).ToArrayAsync(ct);

    private static ProblemHttpResult BadSerial() =>
        ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token serial must be 1-64 letters, digits, '.', '_' or '-'.");

    /// <summary>The registry's checks of a user (<see cref="InputValidation"/>, with the alphabets of <see cref="InputRules"/>).</summary>
    private static List<InputError> Check(NewUser user)
    {
        var errors = new List<InputError>();
        InputValidation.Validate(user, errors);
        return errors;
    }

    /// <summary>The registry's checks of a token.</summary>
    private static List<InputError> Check(NewToken token)
    {
        var errors = new List<InputError>();
        InputValidation.Validate(token, errors);
        return errors;
    }

    private static Dictionary<string, object?> Errors(IEnumerable<InputError> errors) =>
        new() { ["errors"] = errors.Select(e => new { field = e.Field, code = Camel(e.Code) }).ToArray() };

    private static string Camel<T>(T value) where T : struct, Enum
    {
        string name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
