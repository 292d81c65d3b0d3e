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
        RouteGroupBuilder api = app.MapGroup("/api/v1/admin").WithTags("Operator").AddEndpointFilter(ApiKeyAuthentication.Filter);
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
        api.MapPost("/certificates/{serial}/revocation", Revoke);
        api.MapGet("/audit/verification", VerifyAudit);
        return app;
    }

    /// <summary>Registers a user.</summary>
    public static async Task<Results<Created<UserDto>, ProblemHttpResult>> CreateUser(UserDto user, HttpContext http, InventoryService inventory, CancellationToken ct)
    {
        RegistrationResult result = await inventory.RegisterUserAsync(new NewUser(user?.RomanizedName, user?.KanjiName, user?.Email, user?.Organization, user?.EmployeeId), ApiKeyAuthentication.Actor(http), ct);
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
        RegistrationResult result = await inventory.RegisterTokenAsync(new NewToken(token?.Serial, token?.Manufacturer, token?.Model), ApiKeyAuthentication.Actor(http), ct);
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
        var dto = new ImportResultDto(result.Imported, result.Errors.Select(e => new ImportErrorDto(e.Row, e.Column, Camel(e.Code))).ToArray());
        return result.Errors.Count == 0 ? TypedResults.Ok(dto) : ApiProblem.BadRequest(ErrorCodes.ImportFailed, "Nothing was imported; see errors.", new Dictionary<string, object?> { ["errors"] = dto.Errors });
    }

    /// <summary>Assigns a token to a user and opens the enrollment order.</summary>
    public static async Task<Results<Ok<AssignmentDto>, ProblemHttpResult>> Assign(string serial, AssignRequest request, HttpContext http, InventoryService inventory, KagiDbContext db, CancellationToken ct)
    {
        AssignmentResult result = await inventory.AssignAsync(serial, request?.EmployeeId ?? string.Empty, ApiKeyAuthentication.Actor(http), ct);
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
        if (!Input.IsSerial(serial) || request is null || !Input.TryBase64(request.DistributionPublicKey, 4096, out byte[] publicKey)
            || string.IsNullOrEmpty(request.SoPin) || string.IsNullOrEmpty(request.TransportPin) || request.SoPin.Length > 64 || request.TransportPin.Length > 64)
        {
            return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "distributionPublicKey (base64 SPKI), soPin and transportPin are required.");
        }

        AuditActor actor = ApiKeyAuthentication.Actor(http);
        if (!await db.Tokens.AnyAsync(t => t.Serial == serial, ct))
        {
            RegistrationResult registered = await inventory.RegisterTokenAsync(new NewToken(serial, request.Manufacturer, request.Model), actor, ct);
            if (registered.Code != RegistrationCode.Registered)
            {
                return ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "The token could not be registered.", Errors(registered.Errors));
            }
        }

        var result = await inventory.RecordDistributionAsync(serial, publicKey,
            secrets.Protect(Encoding.UTF8.GetBytes(request.SoPin), SecretPurposes.SoPin),
            secrets.Protect(Encoding.UTF8.GetBytes(request.TransportPin), SecretPurposes.TransportPin), actor, ct);
        return result.Code switch
        {
            DistributionCode.Recorded => TypedResults.Ok(await Token(db, serial, ct)),
            DistributionCode.TokenNotFound => ApiProblem.NotFound(ErrorCodes.UnknownToken, "No token with this serial number is registered."),
            DistributionCode.InvalidPublicKey => ApiProblem.BadRequest(ErrorCodes.ValidationFailed, "distributionPublicKey is not a supported public key."),
            _ => ApiProblem.Conflict(ErrorCodes.InvalidStateTransition, $"The token cannot be distributed in its state ({result.TokenState})."),
        };
    }

    /// <summary>Issues (or re-issues) the storage PIN of the token's open assignment and mails it to the user.</summary>
    public static async Task<Results<Ok<StoragePinIssuedDto>, ProblemHttpResult>> IssueStoragePin(
        string serial, HttpContext http, StoragePinService pins, KagiDbContext db, IMailSender mail, KagiServerOptions options, CancellationToken ct)
    {
        var open = await (from t in db.Tokens.AsNoTracking()
                          join a in db.Assignments.AsNoTracking() on t.Id equals a.TokenId
                          join u in db.Users.AsNoTracking() on a.UserId equals u.Id
                          where t.Serial == serial && a.EndedAt == null
                          select new { a.Id, u.Email, u.RomanizedName }).FirstOrDefaultAsync(ct);
        if (open is null)
        {
            return ApiProblem.NotFound(ErrorCodes.NoAssignment, "The token has no open assignment.");
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
        if (!Enum.TryParse(request?.State, ignoreCase: true, out TokenState target) || !Enum.IsDefined(target))
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

    /// <summary>Revokes a certificate and publishes a new CRL.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string serial, RevokeRequest request, HttpContext http, CrlPublisher crls, CancellationToken ct)
    {
        if (!Enum.TryParse(request?.Reason, ignoreCase: true, out RevocationReason reason) || !Enum.IsDefined(reason) || reason is RevocationReason.RemoveFromCrl)
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

    private static Dictionary<string, object?> Errors(IEnumerable<InputError> errors) =>
        new() { ["errors"] = errors.Select(e => new { field = e.Field, code = Camel(e.Code) }).ToArray() };

    private static string Camel<T>(T value) where T : struct, Enum
    {
        string name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
