namespace Kagi.Registry.Audit;

/// <summary>Who performs an operation, as written to the audit log.</summary>
/// <param name="Name">The actor: an operator name, "token:SERIAL", "system", … (at most 200 characters).</param>
/// <param name="Source">Through what: "admin-api", "enrollment-api", "cli", a client address, … (at most 200 characters).</param>
public sealed record AuditActor(string Name, string Source)
{
    /// <summary>The server itself (background jobs, start-up).</summary>
    public static AuditActor System { get; } = new("system", "server");
}
