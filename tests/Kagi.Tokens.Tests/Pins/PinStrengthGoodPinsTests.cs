using System.Text.RegularExpressions;
using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

/// <summary>
/// The predictable-PIN rules must not refuse the PINs that the tests, the demo and the documentation use as good new PINs,
/// nor ordinary random PINs.
/// </summary>
public sealed partial class PinStrengthGoodPinsTests
{
    private static readonly PinWeakness[] NewRules = [PinWeakness.CommonPin, PinWeakness.KeyboardPattern, PinWeakness.InterleavedSequence];

    // Good new PINs written out in tests of other projects (browser tests, server CLI tests) and here; the constants and
    // the demo's PIN are also read from the sources by GoodPinsOfTheRepository.
    private static readonly string[] KnownGoodPins =
    [
        "q8w3e5r1", // CliEnrollee.NewPin, WizardTests.NewPin, TlsLoginFromTokenTests.UserPin, CliPinTests, PinChangeTests
        "k7d4m2x9", // OpencryptokiEnrollTests.NewPin, CliPinTests, PinLockoutTests, OpencryptokiLockoutTests
        "k4g1demo", // scripts/demo.sh
        "k4m2", // PinChangeTests: medium, not refused
        "Zq7Xw9Kp", // PinSecrecyTests
        "k7d4m2x",
        "k7d4m2",
        "ab12cd3",
        "aabb123",
        "aAbB123",
        "X051231",
        "taro1234", // without names
        "Xr4t9Lq2",
        "582917",
        "58291736",
        "49581726",
    ];

    public static TheoryData<string> GoodPins() => new(KnownGoodPins.Concat(GoodPinsOfTheRepository()).Distinct(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(GoodPins))]
    public void GoodPinsOfTheTestsAndTheDemoAreAccepted(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(new PinPolicyValidator().Validate(pin, pin).IsValid, pin);
        Assert.False(result.IsRefused, $"{pin}: {string.Join(", ", result.RefusalReasons)}");
        Assert.DoesNotContain(result.Reasons, NewRules.Contains);
    }

    [Fact]
    public void TheRepositoryScanFindsTheGoodPins()
    {
        string[] found = [.. GoodPinsOfTheRepository()];

        Assert.Contains("q8w3e5r1", found);
        Assert.Contains("k7d4m2x9", found);
        Assert.Contains("k4g1demo", found);
    }

    [Theory]
    [InlineData(4, 0.02)]
    [InlineData(5, 0.002)]
    [InlineData(6, 0.0)]
    [InlineData(7, 0.0)]
    [InlineData(8, 0.0)]
    public void RandomPinsAreRarelyPredictable(int length, double allowedShare)
    {
        // Random letters and digits, as a password generator or a careful user would make them; a fixed seed keeps it stable.
        var random = new Random(20250401 + length);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        const int Count = 20_000;
        var evaluator = new PinStrengthEvaluator();
        var refused = new List<string>();
        Span<char> pin = stackalloc char[length];
        for (int n = 0; n < Count; n++)
        {
            for (int i = 0; i < length; i++)
            {
                pin[i] = Alphabet[random.Next(Alphabet.Length)];
            }

            PinStrengthResult result = evaluator.Evaluate(pin);
            if (NewRules.Any(result.Has))
            {
                refused.Add(pin.ToString());
            }
        }

        Assert.True(refused.Count <= allowedShare * Count, $"{refused.Count} of {Count}: {string.Join(' ', refused.Take(20))}");
    }

    // NewPin constants in the tests and the demo's user PIN.
    private static IEnumerable<string> GoodPinsOfTheRepository()
    {
        string root = RepositoryRoot();
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in NewPinConstant().Matches(File.ReadAllText(file)))
            {
                yield return match.Groups[1].Value;
            }
        }

        foreach (Match match in DemoUserPin().Matches(File.ReadAllText(Path.Combine(root, "scripts", "demo.sh"))))
        {
            yield return match.Groups[1].Value;
        }
    }

    private static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Kagi.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Kagi.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""const string NewPin = "([^"]+)";""")]
    private static partial Regex NewPinConstant();

    [GeneratedRegex("""^user_pin="([^"]+)"$""", RegexOptions.Multiline)]
    private static partial Regex DemoUserPin();
}
