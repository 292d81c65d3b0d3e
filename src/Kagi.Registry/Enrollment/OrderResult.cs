using Kagi.Registry.Entities;

namespace Kagi.Registry.Enrollment;

/// <summary>What an enrollment order step did.</summary>
/// <param name="Code">The outcome.</param>
/// <param name="State">The order's state now (when it exists).</param>
/// <param name="ReplacedSerial">
/// On issuing for a reopened order: the serial of the certificate issued before for this order, which the CA layer
/// should revoke (reason superseded).
/// </param>
/// <param name="Superseded">
/// On marking a reissued order stored: the certificates issued before for this order that were revoked now (reason
/// superseded), so the caller publishes their issuers' CRLs; empty otherwise.
/// </param>
public sealed record OrderResult(OrderCode Code, OrderState? State, string? ReplacedSerial = null, IReadOnlyList<SupersededCertificate>? Superseded = null);

/// <summary>A certificate revoked as superseded because the certificate that replaced it on its order was stored.</summary>
/// <param name="Serial">Its serial number (upper-case hex).</param>
/// <param name="IssuerCaId">The CA that issued it (whose CRL lists it now).</param>
public sealed record SupersededCertificate(string Serial, string IssuerCaId);
