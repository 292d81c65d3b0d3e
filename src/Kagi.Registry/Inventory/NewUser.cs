namespace Kagi.Registry.Inventory;

/// <summary>A user to register (the fields of a users CSV row).</summary>
/// <param name="RomanizedName">Name in Latin letters; required.</param>
/// <param name="KanjiName">Name in kanji/kana; optional.</param>
/// <param name="Email">Mail address for the storage PIN; required.</param>
/// <param name="Organization">Organization or department; optional.</param>
/// <param name="EmployeeId">The organization's identifier of the person; required, unique.</param>
public sealed record NewUser(string? RomanizedName, string? KanjiName, string? Email, string? Organization, string? EmployeeId);
