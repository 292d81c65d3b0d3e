using Kagi.Registry.Inventory;

namespace Kagi.Registry.Import;

/// <summary>One problem found in a CSV file.</summary>
/// <param name="Row">Row number as a spreadsheet shows it (header = 1); 0 for problems with the whole file.</param>
/// <param name="Column">The column name, when the problem is in one field or header.</param>
/// <param name="Code">What is wrong.</param>
public sealed record ImportError(int Row, string? Column, InputErrorCode Code);
