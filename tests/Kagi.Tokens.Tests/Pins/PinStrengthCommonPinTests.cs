using System.Reflection;
using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthCommonPinTests
{
    [Theory]
    [InlineData("password")] // the reviewer's examples
    [InlineData("iloveyou")]
    [InlineData("abc123")]
    [InlineData("PassWord")] // case-insensitive
    [InlineData("2580")] // numeric PINs: keypad column, frequent choices, goroawase
    [InlineData("1004")]
    [InlineData("4649")]
    [InlineData("159753")]
    [InlineData("5201314")]
    [InlineData("letmein")]
    [InlineData("monkey")]
    [InlineData("dragon")]
    [InlineData("baseball")]
    [InlineData("sunshine")]
    [InlineData("princess")]
    [InlineData("welcome")]
    [InlineData("admin")]
    [InlineData("sakura")]
    [InlineData("tokyo")]
    [InlineData("hogehoge")]
    [InlineData("monkey12")] // digits after the word
    [InlineData("dragon2024")] // also when too long for the policy
    [InlineData("Sakura7")]
    [InlineData("admin!")] // symbols after the word
    [InlineData("abc1")] // a 3-character entry with digits after it
    [InlineData("pin1234")]
    [InlineData("p4ssw0rd")] // look-alike digits read as letters
    [InlineData("P@$$w0rd")]
    [InlineData("l3tm31n")] // 1 as i
    [InlineData("1ov3")] // 1 as l
    [InlineData("4dm1n99")] // look-alikes and digits after
    [InlineData("kagi")]
    public void DetectsCommonPinAndRefusesIt(string pin)
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate(pin);

        Assert.True(result.Has(PinWeakness.CommonPin));
        Assert.Contains(PinWeakness.CommonPin, result.RefusalReasons);
        Assert.True(result.IsRefused);
        Assert.Equal(PinStrengthLevel.Low, result.Level);
    }

    [Theory]
    [InlineData("k7d4m2x9")]
    [InlineData("q8w3e5r1")]
    [InlineData("k4g1demo")]
    [InlineData("Xr4t9Lq2")]
    [InlineData("taro1234")] // names are ContainsName's business, with the holder's names
    [InlineData("5829")]
    [InlineData("58291736")]
    [InlineData("1passwrd")] // digits before the word do not count
    [InlineData("passwort")] // only the listed words
    [InlineData("xpassword")]
    [InlineData("abc")] // too short to be a PIN: 3-character entries need digits after them
    [InlineData("ab1")]
    [InlineData("1337")] // digits only are never read as look-alikes
    [InlineData("Kagi2025x")] // the product name inside a longer PIN
    [InlineData("")]
    public void DoesNotDetectCommonPin(string pin)
    {
        Assert.False(new PinStrengthEvaluator().Evaluate(pin).Has(PinWeakness.CommonPin));
    }

    [Fact]
    public void CommonPinIsReportedWithItsOwnReason()
    {
        PinStrengthResult result = new PinStrengthEvaluator().Evaluate("iloveyou");

        Assert.Equal([PinWeakness.CommonPin, PinWeakness.LettersOnly], result.Reasons);
        Assert.Equal([PinWeakness.CommonPin], result.RefusalReasons);
    }

    [Fact]
    public void ListIsEmbeddedAndWellFormed()
    {
        IReadOnlyCollection<string> entries = PinCommonList.Entries;

        Assert.InRange(entries.Count, 200, 2_000);
        using Stream? stream = typeof(PinStrengthEvaluator).Assembly.GetManifestResourceStream(PinCommonList.ResourceName);
        Assert.NotNull(stream);
        foreach (string entry in entries)
        {
            Assert.InRange(entry.Length, PinCommonList.EntryMinimumLength, PinCommonList.EntryMaximumLength);
            Assert.True(entry.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)), entry);
        }
    }

    [Fact]
    public void ListLeavesRunsAndRepeatsToTheirOwnRules()
    {
        var evaluator = new PinStrengthEvaluator();
        foreach (string entry in PinCommonList.Entries.Where(e => e.Length >= PinPolicy.DefaultMinLength))
        {
            PinStrengthResult result = evaluator.Evaluate(entry);
            Assert.False(result.Has(PinWeakness.SequentialRun) || result.Has(PinWeakness.RepeatedCharacter), entry);
            Assert.True(result.Has(PinWeakness.CommonPin), entry);
        }
    }
}
