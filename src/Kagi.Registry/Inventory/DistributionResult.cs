using Kagi.Registry.Entities;

namespace Kagi.Registry.Inventory;

/// <summary>What recording a distribution did.</summary>
/// <param name="Code">The outcome.</param>
/// <param name="TokenState">The token's state (when it exists).</param>
public sealed record DistributionResult(DistributionCode Code, TokenState? TokenState)
{
    /// <summary>The refused fields of a token that could not be registered (<see cref="DistributionCode.InvalidToken"/>); empty otherwise.</summary>
    public IReadOnlyList<InputError> Errors { get; init; } = [];
}
