using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Inventory;

/// <summary>
/// Users and tokens: registration one by one (this file), CSV import (all or nothing), assignment of a token to a
/// user, and recording a token's distribution. Every operation is one transaction with its audit entry.
/// </summary>
public sealed partial class InventoryService
{
    private readonly KagiDbContext db;
    private readonly AuditLog audit;
    private readonly TokenStateMachine tokens;
    private readonly TimeProvider time;
    private readonly InventoryOptions options;

    /// <summary>Creates the service.</summary>
    /// <param name="db">The context to work through.</param>
    /// <param name="audit">The audit log on the same context.</param>
    /// <param name="tokens">The token state machine on the same context.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options are invalid.</exception>
    public InventoryService(KagiDbContext db, AuditLog audit, TokenStateMachine tokens, TimeProvider time, InventoryOptions? options = null)
    {
        this.db = db;
        this.audit = audit;
        this.tokens = tokens;
        this.time = time;
        this.options = options ?? new InventoryOptions();
        this.options.Validate();
    }

    /// <summary>Registers one user.</summary>
    /// <param name="user">The input (trimmed and checked).</param>
    /// <param name="actor">Who registers, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>Registered with the id, Invalid with the refused fields, or Duplicate (employee ID taken).</returns>
    public async Task<RegistrationResult> RegisterUserAsync(NewUser user, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var errors = new List<InputError>();
        var entity = InputValidation.Validate(user, errors);
        if (entity is null)
        {
            return new RegistrationResult(RegistrationCode.Invalid, null, errors);
        }

        return await WriteOperation.RunAsync(db, async transaction =>
        {
            if (await db.Users.AnyAsync(u => u.EmployeeId == entity.EmployeeId, cancellationToken).ConfigureAwait(false))
            {
                return Duplicate(Fields.EmployeeId);
            }

            entity.CreatedAt = time.GetUtcNow();
            db.Users.Add(entity);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return Duplicate(Fields.EmployeeId);
            }

            await audit.AppendAsync(actor, AuditActions.UserRegistered, "user:" + entity.EmployeeId, new JsonObject { ["id"] = entity.Id }, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new RegistrationResult(RegistrationCode.Registered, entity.Id, []);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers one token, in stock.</summary>
    /// <param name="token">The input (trimmed and checked).</param>
    /// <param name="actor">Who registers, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>Registered with the id, Invalid with the refused fields, or Duplicate (serial taken).</returns>
    public async Task<RegistrationResult> RegisterTokenAsync(NewToken token, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var errors = new List<InputError>();
        var entity = InputValidation.Validate(token, errors);
        if (entity is null)
        {
            return new RegistrationResult(RegistrationCode.Invalid, null, errors);
        }

        return await WriteOperation.RunAsync(db, async transaction =>
        {
            if (await db.Tokens.AnyAsync(t => t.Serial == entity.Serial, cancellationToken).ConfigureAwait(false))
            {
                return Duplicate(Fields.Serial);
            }

            entity.CreatedAt = entity.StateChangedAt = time.GetUtcNow();
            db.Tokens.Add(entity);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return Duplicate(Fields.Serial);
            }

            await audit.AppendAsync(actor, AuditActions.TokenRegistered, "token:" + entity.Serial, new JsonObject { ["id"] = entity.Id }, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new RegistrationResult(RegistrationCode.Registered, entity.Id, []);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static RegistrationResult Duplicate(string field) =>
        new(RegistrationCode.Duplicate, null, [new InputError(field, InputErrorCode.AlreadyRegistered)]);
}
