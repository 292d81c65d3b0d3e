namespace Kagi.Registry.Audit;

/// <summary>
/// The latest entry of the chain. Removing entries from the end of the chain cannot be seen from the chain itself;
/// keep heads elsewhere (logs, mails, a notary) and compare.
/// </summary>
/// <param name="Sequence">Its sequence number.</param>
/// <param name="Hash">Its hash (lowercase hex).</param>
public sealed record AuditHead(long Sequence, string Hash);
