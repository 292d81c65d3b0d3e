namespace Kagi.Registry.Entities;

/// <summary>A person who receives a token. Registered by an operator, one by one or by CSV import.</summary>
public sealed class User
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>Name in Latin letters (used in certificate subjects), e.g. "YAMADA Taro".</summary>
    public required string RomanizedName { get; set; }

    /// <summary>Name in kanji/kana, if known, e.g. "山田 太郎".</summary>
    public string? KanjiName { get; set; }

    /// <summary>Where the storage PIN is mailed.</summary>
    public required string Email { get; set; }

    /// <summary>Organization or department, if any.</summary>
    public string? Organization { get; set; }

    /// <summary>The organization's identifier of the person; unique.</summary>
    public required string EmployeeId { get; set; }

    /// <summary>When the user was registered (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
