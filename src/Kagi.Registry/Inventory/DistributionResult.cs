using Kagi.Registry.Entities;

namespace Kagi.Registry.Inventory;

/// <summary>What recording a distribution did.</summary>
/// <param name="Code">The outcome.</param>
/// <param name="TokenState">The token's state (when it exists).</param>
public sealed record DistributionResult(DistributionCode Code, TokenState? TokenState);
