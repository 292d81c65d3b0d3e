using Kagi.Registry.Entities;

namespace Kagi.Registry.Enrollment;

/// <summary>What an enrollment order step did.</summary>
/// <param name="Code">The outcome.</param>
/// <param name="State">The order's state now (when it exists).</param>
/// <param name="ReplacedSerial">
/// On issuing for a reopened order: the serial of the certificate issued before for this order, which the CA layer
/// should revoke (reason superseded).
/// </param>
public sealed record OrderResult(OrderCode Code, OrderState? State, string? ReplacedSerial = null);
