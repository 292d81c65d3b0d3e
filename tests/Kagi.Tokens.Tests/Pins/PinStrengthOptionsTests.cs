using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinStrengthOptionsTests
{
    [Fact]
    public void DefaultsAreDocumentedValues()
    {
        var options = new PinStrengthOptions();

        Assert.Equal(
            [
                PinWeakness.RepeatedCharacter,
                PinWeakness.SequentialRun,
                PinWeakness.CalendarDate,
                PinWeakness.JapaneseEraDate,
                PinWeakness.PhoneNumberLike,
                PinWeakness.ContainsName,
                PinWeakness.CommonPin,
                PinWeakness.KeyboardPattern,
                PinWeakness.InterleavedSequence,
            ],
            PinStrengthOptions.DefaultRefusedWeaknesses);
        Assert.Equal(PinStrengthOptions.DefaultRefusedWeaknesses, options.RefusedWeaknesses);
        Assert.Empty(options.Names);
        Assert.Equal(4, options.ShortLengthThreshold);
        Assert.Equal(2, options.FewDistinctCharactersThreshold);
    }

    [Fact]
    public void RejectsNegativeThresholds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PinStrengthOptions { ShortLengthThreshold = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new PinStrengthOptions { FewDistinctCharactersThreshold = -1 });
    }

    [Fact]
    public void RejectsNullCollections()
    {
        Assert.Throws<ArgumentNullException>(() => new PinStrengthOptions { Names = null! });
        Assert.Throws<ArgumentNullException>(() => new PinStrengthOptions { RefusedWeaknesses = null! });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(-1)]
    public void RejectsUndefinedRefusedWeakness(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new PinStrengthOptions { RefusedWeaknesses = [(PinWeakness)value] });
    }

    [Fact]
    public void EvaluatorRejectsNullOptions()
    {
        Assert.Throws<ArgumentNullException>(() => new PinStrengthEvaluator(null!));
    }

    [Fact]
    public void EvaluatorKeepsItsOptions()
    {
        var options = new PinStrengthOptions();

        Assert.Same(options, new PinStrengthEvaluator(options).Options);
        Assert.Empty(new PinStrengthEvaluator().Options.Names);
    }

    [Fact]
    public void EvaluatorSnapshotsCollectionsAtCreation()
    {
        var names = new List<string> { "Taro Yamada" };
        var refused = new List<PinWeakness> { PinWeakness.ContainsName };
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { Names = names, RefusedWeaknesses = refused });

        names.Clear();
        refused.Clear();
        refused.Add(PinWeakness.DigitsOnly);
        PinStrengthResult nameResult = evaluator.Evaluate("taro1234");
        PinStrengthResult digitsResult = evaluator.Evaluate("582917");

        Assert.True(nameResult.IsRefused);
        Assert.Equal([PinWeakness.ContainsName], nameResult.RefusalReasons);
        Assert.False(digitsResult.IsRefused);
    }

    [Fact]
    public void EvaluationIsDeterministic()
    {
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { Names = ["Taro Yamada"] });

        foreach (string pin in new[] { "R051231", "taro1234", "k7d4m2x", "1111" })
        {
            PinStrengthResult first = evaluator.Evaluate(pin);
            PinStrengthResult second = evaluator.Evaluate(pin);

            Assert.Equal(first.Level, second.Level);
            Assert.Equal(first.Reasons, second.Reasons);
            Assert.Equal(first.RefusalReasons, second.RefusalReasons);
        }
    }
}
