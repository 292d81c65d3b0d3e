using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Kagi.Cli.Infrastructure;

/// <summary>Writes results as human-readable text (Spectre.Console) or as JSON with stable field names.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    /// <summary>The console for human-readable output.</summary>
    public static IAnsiConsole Console { get; } = CreateConsole();

    private static IAnsiConsole CreateConsole()
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected)
        {
            // Pipes and files have no width: render wide rather than folding cells.
            console.Profile.Width = 240;
        }
        else if (System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("ja", StringComparison.Ordinal) && console.Profile.Width < 160)
        {
            // Spectre.Console 0.49 cannot fold a Japanese word across lines; let the terminal wrap instead.
            console.Profile.Width = 160;
        }

        return console;
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON to standard output.</summary>
    public static void Json<T>(T value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes <paramref name="value"/> as one line of JSON (for event streams).</summary>
    public static void JsonLine<T>(T value)
    {
        System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonLineOptions));
        System.Console.Out.Flush();
    }

    /// <summary>Writes a plain line of text to standard output.</summary>
    public static void Line(string text) => Console.WriteLine(text);

    /// <summary>Writes an error line to standard error.</summary>
    public static void Error(string text) => System.Console.Error.WriteLine(text);
}
