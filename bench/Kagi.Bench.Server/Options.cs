using System.Globalization;

namespace Kagi.Bench.Server;

/// <summary>"--name value" pairs from the command line.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private Options()
    {
    }

    /// <summary>Arguments after a "--" separator (passed on to the hosted server by serve-token).</summary>
    public string[] Rest { get; private set; } = [];

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                options.Rest = args[(i + 1)..].ToArray();
                break;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"expected --name value, got '{args[i]}'");
            }

            options._values[args[i][2..]] = args[i + 1];
            i++;
        }

        return options;
    }

    public string Get(string name) => _values.TryGetValue(name, out string? v) ? v : throw new UsageException($"--{name} is required");

    public string Get(string name, string fallback) => _values.TryGetValue(name, out string? v) ? v : fallback;

    public string? Find(string name) => _values.GetValueOrDefault(name);

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out string? v) ? fallback
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= 0 ? i
        : throw new UsageException($"--{name} must be a non-negative integer");
}

/// <summary>A command-line mistake: usage is printed, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
