using Kagi.Registry.Audit;
using Kagi.Registry.Enrollment;
using Kagi.Registry.Pins;
using Kagi.Server.Problems;
using Kagi.Server.Security;
using Kagi.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Enrollment;

/// <summary>Resolves the enrollment ticket of a request to the token's current enrollment state.</summary>
internal static class EnrollmentContext
{
    /// <summary>Ticket lifetime.</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long after a successful storage PIN verification an interrupted enrollment may resume without a new
    /// storage PIN (after a fresh token authentication): the lifetime of the PIN-verified ticket it would have had.
    /// </summary>
    public static readonly TimeSpan ResumeWindow = TicketLifetime;

    private static readonly object TicketKey = new();

    /// <summary>Keeps the ticket a filter has just decoded and checked for this request, for <see cref="ResolveAsync"/>.</summary>
    public static void Remember(HttpContext http, EnrollmentTicket ticket) => http.Items[TicketKey] = ticket;

    public static AuditActor Actor(HttpContext http, string serial) =>
        new("token:" + serial, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>The verified ticket and the token's status, or the problem to answer with.</summary>
    public static async Task<(EnrollmentTicket? Ticket, EnrollmentStatus? Status, ProblemHttpResult? Problem)> ResolveAsync(
        HttpContext http, SecretProtector secrets, EnrollmentService enrollment, TimeProvider time, bool requirePin)
    {
        var (ticket, status, _, problem) = await ResolveWithStoragePinAsync(http, secrets, enrollment, time, requirePin).ConfigureAwait(false);
        return (ticket, status, problem);
    }

    /// <summary>
    /// As <see cref="ResolveAsync"/>, also with the assignment's current storage PIN, read in the same query (null
    /// when the assignment has none).
    /// </summary>
    public static async Task<(EnrollmentTicket? Ticket, EnrollmentStatus? Status, CurrentStoragePin? StoragePin, ProblemHttpResult? Problem)> ResolveWithStoragePinAsync(
        HttpContext http, SecretProtector secrets, EnrollmentService enrollment, TimeProvider time, bool requirePin)
    {
        EnrollmentTicket? ticket = http.Items.TryGetValue(TicketKey, out object? checkedTicket) && checkedTicket is EnrollmentTicket remembered
            ? remembered
            : EnrollmentTicket.Decode(EnrollmentTicket.FromHeader(http.Request.Headers.Authorization), secrets.TicketKey, time.GetUtcNow());
        if (ticket is null)
        {
            return (null, null, null, ApiProblem.Unauthorized(ErrorCodes.TicketInvalid, "Authenticate the token first; the enrollment ticket is missing, invalid or expired."));
        }

        if (requirePin && !ticket.PinVerified)
        {
            return (null, null, null, ApiProblem.Forbidden(ErrorCodes.StoragePinNotVerified, "Verify the storage PIN first."));
        }

        // The token's state and its current storage PIN, in one query.
        var (status, current) = await enrollment.FindByTokenWithStoragePinAsync(ticket.Serial, http.RequestAborted).ConfigureAwait(false);

        if (status?.AssignmentId != ticket.AssignmentId || status.User is null || status.Order is null)
        {
            return (null, null, null, ApiProblem.Conflict(ErrorCodes.NoAssignment, "The token is no longer assigned as it was when it authenticated."));
        }

        // Bound to the PIN generation: a ticket verified with a PIN the operator has since reissued is dead.
        if (requirePin && (current is null || current.Id != ticket.PinId || current.State != Kagi.Registry.Entities.StoragePinState.Used))
        {
            return (null, null, null, ApiProblem.Forbidden(ErrorCodes.StoragePinNotVerified, "The storage PIN was reissued since it was verified; verify the new storage PIN."));
        }

        return (ticket, status, current, null);
    }

    public static TicketResponse NewTicket(EnrollmentTicket ticket, SecretProtector secrets) =>
        new(ticket.Encode(secrets.TicketKey), DateTimeOffset.FromUnixTimeSeconds(ticket.ExpiresAt));
}
