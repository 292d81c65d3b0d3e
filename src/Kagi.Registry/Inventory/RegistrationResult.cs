namespace Kagi.Registry.Inventory;

/// <summary>What a registration did.</summary>
/// <param name="Code">The outcome.</param>
/// <param name="Id">The new user's or token's id when registered.</param>
/// <param name="Errors">The refused fields (empty when registered).</param>
public sealed record RegistrationResult(RegistrationCode Code, long? Id, IReadOnlyList<InputError> Errors);
