namespace Kagi.Registry.Inventory;

/// <summary>One refused field of a single registration.</summary>
/// <param name="Field">The field, by its CSV column name (e.g. "employee_id").</param>
/// <param name="Code">Why.</param>
public sealed record InputError(string Field, InputErrorCode Code);
