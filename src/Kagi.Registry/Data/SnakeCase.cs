using System.Text;

namespace Kagi.Registry.Data;

/// <summary>Column naming: "RomanizedName" becomes "romanized_name", so that SQL needs no quoting on PostgreSQL.</summary>
public static class SnakeCase
{
    /// <summary>The snake_case form of a PascalCase name.</summary>
    /// <returns>Lowercase words joined by underscores.</returns>
    public static string Of(string pascalCase)
    {
        ArgumentNullException.ThrowIfNull(pascalCase);
        var sb = new StringBuilder(pascalCase.Length + 8);
        for (int i = 0; i < pascalCase.Length; i++)
        {
            char c = pascalCase[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascalCase[i - 1]) || char.IsDigit(pascalCase[i - 1])))
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
