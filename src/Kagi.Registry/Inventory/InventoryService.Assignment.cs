using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Inventory;

/// <summary>Assigning a token to a user.</summary>
public sealed partial class InventoryService
{
    /// <summary>
    /// Assigns an in-stock token to a user who holds no other token: the token becomes Assigned, and a new
    /// assignment and an open enrollment order with a fresh certificate ID are created, in one transaction with
    /// the audit entry.
    /// </summary>
    /// <param name="tokenSerial">The token.</param>
    /// <param name="employeeId">The user.</param>
    /// <param name="actor">Who assigns, for the audit log.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The outcome with the new ids, or why nothing changed.</returns>
    public async Task<AssignmentResult> AssignAsync(string tokenSerial, string employeeId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenSerial);
        ArgumentNullException.ThrowIfNull(employeeId);
        ArgumentNullException.ThrowIfNull(actor);
        return await WriteOperation.RunAsync(db, async transaction =>
        {
            Token? token = await db.Tokens.SingleOrDefaultAsync(t => t.Serial == tokenSerial, cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return AssignmentResult.Refused(AssignmentCode.TokenNotFound);
            }

            User? user = await db.Users.SingleOrDefaultAsync(u => u.EmployeeId == employeeId, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return AssignmentResult.Refused(AssignmentCode.UserNotFound, token.State);
            }

            if (token.State != TokenState.InStock)
            {
                return AssignmentResult.Refused(AssignmentCode.TokenNotInStock, token.State);
            }

            if (await db.Assignments.AnyAsync(a => a.UserId == user.Id && a.EndedAt == null, cancellationToken).ConfigureAwait(false))
            {
                return AssignmentResult.Refused(AssignmentCode.UserHasOpenAssignment, token.State);
            }

            try
            {
                DateTimeOffset now = time.GetUtcNow();
                var assignment = new Assignment { TokenId = token.Id, UserId = user.Id, State = AssignmentState.Assigned, CreatedAt = now };
                db.Assignments.Add(assignment);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                var order = new EnrollmentOrder
                {
                    AssignmentId = assignment.Id,
                    CertificateId = NewCertificateId(),
                    State = OrderState.Open,
                    CreatedAt = now,
                };
                db.EnrollmentOrders.Add(order);
                var details = new JsonObject
                {
                    ["user"] = user.EmployeeId,
                    ["assignment"] = assignment.Id,
                    ["certificateId"] = order.CertificateId,
                };
                var moved = await tokens.ApplyAsync(token, TokenState.Assigned, actor, details, workflow: true, AuditActions.TokenAssigned, cancellationToken).ConfigureAwait(false);
                if (moved.Code != Tokens.TransitionCode.Done)
                {
                    return AssignmentResult.Refused(AssignmentCode.TokenNotInStock, token.State);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new AssignmentResult(AssignmentCode.Assigned, assignment.Id, order.Id, order.CertificateId, TokenState.Assigned);
            }
            catch (DbUpdateException)
            {
                // The open-assignment indexes or the token's row version caught a concurrent assignment.
                return AssignmentResult.Refused(AssignmentCode.Conflict);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private string NewCertificateId() =>
        options.CertificateIdPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
}
