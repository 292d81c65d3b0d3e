using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kagi.Tokens.Modules;

/// <summary>
/// Settings shared by every front end, resolved in this order: command-line option, environment variable
/// (KAGI_PKCS11_MODULE, KAGI_TOKEN, KAGI_LANG), configuration file (KAGI_CONFIG, else
/// <c>~/.config/kagi/config.json</c> or <c>%APPDATA%\kagi\config.json</c>).
/// </summary>
public sealed record KagiSettings
{
    /// <summary>Environment variable naming the PKCS#11 module.</summary>
    public const string ModuleVariable = "KAGI_PKCS11_MODULE";

    /// <summary>Environment variable naming the token serial to use.</summary>
    public const string TokenVariable = "KAGI_TOKEN";

    /// <summary>Environment variable naming the UI language (ja or en).</summary>
    public const string LanguageVariable = "KAGI_LANG";

    /// <summary>Environment variable naming the configuration file.</summary>
    public const string ConfigVariable = "KAGI_CONFIG";

    /// <summary>The module path, and where it came from; null when none is configured (well-known paths are searched).</summary>
    public (string Path, ModuleSource Source)? Module { get; init; }

    /// <summary>The token serial to use when several are attached.</summary>
    public string? TokenSerial { get; init; }

    /// <summary>The UI language, if configured.</summary>
    public string? Language { get; init; }

    /// <summary>Resolves the settings from options, environment and configuration file.</summary>
    /// <exception cref="InvalidDataException">The configuration file exists but is not valid JSON of the expected shape.</exception>
    public static KagiSettings Resolve(string? moduleOption, string? tokenOption, string? languageOption, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        ConfigFile file = ConfigFile.Load(environment(ConfigVariable) ?? DefaultConfigPath());

        (string, ModuleSource)? module =
            !string.IsNullOrWhiteSpace(moduleOption) ? (moduleOption, ModuleSource.Option)
            : !string.IsNullOrWhiteSpace(environment(ModuleVariable)) ? (environment(ModuleVariable)!, ModuleSource.Environment)
            : !string.IsNullOrWhiteSpace(file.Module) ? (file.Module, ModuleSource.ConfigFile)
            : null;

        return new KagiSettings
        {
            Module = module,
            TokenSerial = FirstNonEmpty(tokenOption, environment(TokenVariable), file.Token),
            Language = FirstNonEmpty(languageOption, environment(LanguageVariable), file.Language),
        };
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>The per-user configuration file path.</summary>
    public static string DefaultConfigPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "kagi", "config.json");

    private sealed record ConfigFile
    {
        [JsonPropertyName("module")]
        public string? Module { get; init; }

        [JsonPropertyName("token")]
        public string? Token { get; init; }

        [JsonPropertyName("lang")]
        public string? Language { get; init; }

        public static ConfigFile Load(string path)
        {
            if (!File.Exists(path))
            {
                return new ConfigFile();
            }

            try
            {
                return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path)) ?? new ConfigFile();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }
    }
}
