namespace Kagi.Registry.Inventory;

/// <summary>Field (and CSV column) names of users and tokens.</summary>
public static class Fields
{
    /// <summary>User: name in Latin letters.</summary>
    public const string RomanizedName = "romanized_name";

    /// <summary>User: name in kanji/kana.</summary>
    public const string KanjiName = "kanji_name";

    /// <summary>User: mail address.</summary>
    public const string Email = "email";

    /// <summary>User: organization.</summary>
    public const string Organization = "organization";

    /// <summary>User: employee ID.</summary>
    public const string EmployeeId = "employee_id";

    /// <summary>Token: serial number.</summary>
    public const string Serial = "serial";

    /// <summary>Token: manufacturer.</summary>
    public const string Manufacturer = "manufacturer";

    /// <summary>Token: model.</summary>
    public const string Model = "model";

    /// <summary>The columns of a users CSV.</summary>
    public static IReadOnlyList<string> UserColumns { get; } = [RomanizedName, KanjiName, Email, Organization, EmployeeId];

    /// <summary>The required columns of a users CSV.</summary>
    public static IReadOnlyList<string> RequiredUserColumns { get; } = [RomanizedName, Email, EmployeeId];

    /// <summary>The columns (all required) of a tokens CSV.</summary>
    public static IReadOnlyList<string> TokenColumns { get; } = [Serial, Manufacturer, Model];
}
