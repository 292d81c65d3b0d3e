using System.Globalization;
using Kagi.Tokens.Modules;

namespace Kagi.Cli.Infrastructure;

/// <summary>Chooses the UI language: --lang, then KAGI_LANG or the configuration file, then the OS UI culture.</summary>
internal static class Language
{
    /// <summary>Sets the process UI culture to Japanese or English and returns it.</summary>
    public static CultureInfo Apply(string[] args)
    {
        string? option = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--lang" && i + 1 < args.Length)
            {
                option = args[i + 1];
            }
            else if (args[i].StartsWith("--lang=", StringComparison.Ordinal))
            {
                option = args[i]["--lang=".Length..];
            }
        }

        string? configured = option;
        if (configured is null)
        {
            try
            {
                configured = KagiSettings.Resolve(null, null, null).Language;
            }
            catch (InvalidDataException)
            {
                // The configuration error is reported by the command itself.
            }
        }

        string name = configured ?? CultureInfo.CurrentUICulture.Name;
        CultureInfo culture = name.StartsWith("ja", StringComparison.OrdinalIgnoreCase) ? new CultureInfo("ja-JP") : new CultureInfo("en");
        CultureInfo.CurrentUICulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        return culture;
    }
}
