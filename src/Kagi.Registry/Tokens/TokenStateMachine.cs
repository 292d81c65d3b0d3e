using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tokens;

/// <summary>
/// Moves tokens through <see cref="TokenTransitions"/>. Each change and its audit entry commit in one transaction;
/// a refused move changes nothing.
/// </summary>
/// <param name="db">The context to work through.</param>
/// <param name="audit">The audit log on the same context.</param>
/// <param name="time">The clock.</param>
public sealed class TokenStateMachine(KagiDbContext db, AuditLog audit, TimeProvider time)
{
    private static readonly TokenState[] ReportsCertificates =
        [TokenState.Suspended, TokenState.Lost, TokenState.Damaged, TokenState.Terminated];

    /// <summary>An operator's request to move a token (suspend, resume, report lost, terminate, return to stock, …).</summary>
    /// <param name="serial">The token serial.</param>
    /// <param name="to">The state to move to.</param>
    /// <param name="actor">Who asks, for the audit log.</param>
    /// <param name="reason">An optional reason code or note kept in the audit entry.</param>
    /// <param name="cancellationToken">Cancels the database work (nothing is committed then).</param>
    /// <returns>The outcome; see <see cref="TransitionCode"/>.</returns>
    public async Task<TransitionResult> TransitionAsync(string serial, TokenState to, AuditActor actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serial);
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            Token? token = await db.Tokens.SingleOrDefaultAsync(t => t.Serial == serial, cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return TransitionResult.Refused(TransitionCode.TokenNotFound, null);
            }

            TokenState before = token.State;
            var details = reason is null ? null : new JsonObject { ["reason"] = reason };
            TransitionResult result;
            try
            {
                result = await ApplyAsync(token, to, actor, details, workflow: false, AuditActions.TokenStateChanged, cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                return TransitionResult.Refused(TransitionCode.Conflict, before);
            }

            if (result.Code == TransitionCode.Done)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies a move inside the caller's write transaction: checks the table, ends the assignment when the move
    /// does, saves (the caller's pending changes too), and appends the audit entry (<paramref name="action"/>, with
    /// "from" and "to" added to <paramref name="details"/>). Workflows (assign, certificate stored) pass
    /// <paramref name="workflow"/>. A refused move saves nothing; the caller clears or discards its pending changes.
    /// </summary>
    /// <exception cref="DbUpdateConcurrencyException">The token changed since it was read.</exception>
    /// <exception cref="DbUpdateException">A constraint was violated by the pending changes.</exception>
    internal async Task<TransitionResult> ApplyAsync(Token token, TokenState to, AuditActor actor, JsonObject? details, bool workflow, string action, CancellationToken cancellationToken)
    {
        TokenState from = token.State;
        TokenTransition? move = TokenTransitions.Find(from, to);
        if (move is null)
        {
            return TransitionResult.Refused(TransitionCode.NotAllowed, from);
        }

        if (move.WorkflowOnly && !workflow)
        {
            return TransitionResult.Refused(TransitionCode.RequiresWorkflow, from);
        }

        DateTimeOffset now = time.GetUtcNow();
        Assignment? open = await db.Assignments
            .SingleOrDefaultAsync(a => a.TokenId == token.Id && a.EndedAt == null, cancellationToken).ConfigureAwait(false);
        if (from == TokenState.Terminated && to == TokenState.InStock && open is not null)
        {
            return TransitionResult.Refused(TransitionCode.AssignmentOpen, from);
        }

        long? concernedAssignment = open?.Id;
        if (!ReportsCertificates.Contains(to) || concernedAssignment is null)
        {
            concernedAssignment = null;
        }

        long? ended = null;
        if (move.EndsAssignment && open is not null)
        {
            await EndAssignmentAsync(open, now, cancellationToken).ConfigureAwait(false);
            ended = open.Id;
        }

        if (to == TokenState.InStock)
        {
            token.DistributionPublicKey = null;
            token.DistributedAt = null;
            token.EncryptedTransportPin = null;
        }

        token.State = to;
        token.StateChangedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        details ??= [];
        details["from"] = from.ToString();
        details["to"] = to.ToString();
        if (ended is not null)
        {
            details["endedAssignment"] = ended.Value;
        }

        await audit.AppendAsync(actor, action, "token:" + token.Serial, details, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> certificates = concernedAssignment is null
            ? []
            : await UnrevokedCertificatesAsync(concernedAssignment.Value, cancellationToken).ConfigureAwait(false);
        return new TransitionResult(TransitionCode.Done, from, to, ended, certificates);
    }

    private async Task EndAssignmentAsync(Assignment assignment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        assignment.State = AssignmentState.Ended;
        assignment.EndedAt = now;
        var orders = await db.EnrollmentOrders
            .Where(o => o.AssignmentId == assignment.Id && (o.State == OrderState.Open || o.State == OrderState.Issued || o.State == OrderState.Reopened))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var order in orders)
        {
            order.State = OrderState.Cancelled;
        }

        var pins = await db.StoragePins
            .Where(p => p.AssignmentId == assignment.Id && (p.State == StoragePinState.Active || p.State == StoragePinState.Locked))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pin in pins)
        {
            pin.State = StoragePinState.Superseded;
        }
    }

    private async Task<IReadOnlyList<string>> UnrevokedCertificatesAsync(long assignmentId, CancellationToken cancellationToken) =>
        await (from c in db.IssuedCertificates
               join o in db.EnrollmentOrders on c.OrderId equals o.Id
               where o.AssignmentId == assignmentId && c.RevokedAt == null
               orderby c.Serial
               select c.Serial).ToListAsync(cancellationToken).ConfigureAwait(false);
}
