using System.Reflection;
using Kagi.Tokens.Pins;

namespace Kagi.Tokens.Tests.Pins;

public sealed class PinSecrecyTests
{
    [Theory]
    [InlineData(typeof(PinPolicyResult))]
    [InlineData(typeof(PinStrengthResult))]
    public void ResultTypesHaveNoTextMembers(Type resultType)
    {
        foreach (PropertyInfo property in resultType.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            Assert.False(IsText(property.PropertyType), $"{resultType.Name}.{property.Name} could hold PIN text");
        }

        foreach (FieldInfo field in resultType.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            Assert.False(IsText(field.FieldType), $"{resultType.Name}.{field.Name} could hold PIN text");
        }
    }

    [Fact]
    public void ResultsDoNotPrintThePin()
    {
        const string pin = "Zq7Xw9Kp";

        string policyText = new PinPolicyValidator().Validate(pin, pin + "x", pin).ToString()!;
        string strengthText = new PinStrengthEvaluator().Evaluate(pin).ToString()!;

        Assert.DoesNotContain(pin, policyText, StringComparison.Ordinal);
        Assert.DoesNotContain(pin, strengthText, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidatorDoesNotCopyThePin()
    {
        // A copy of a 10,000-character PIN would allocate about 20 KB; the result itself needs a few hundred bytes.
        string longPin = new('a', 10_000);
        var validator = new PinPolicyValidator();
        validator.Validate(longPin, longPin, longPin);
        validator.Validate("a1b2", "a1b2", "c3d4");

        long before = GC.GetAllocatedBytesForCurrentThread();
        validator.Validate(longPin, longPin, longPin);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 2_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void EvaluatorDoesNotCopyThePin()
    {
        // A copy of a 3,000-character PIN would allocate about 6 KB; the result itself needs a few hundred bytes.
        string longPin = string.Concat(Enumerable.Repeat("k7d4m2x", 3_000 / 7));
        var evaluator = new PinStrengthEvaluator(new PinStrengthOptions { Names = ["Taro Yamada"] });
        evaluator.Evaluate(longPin);

        long before = GC.GetAllocatedBytesForCurrentThread();
        PinStrengthResult result = evaluator.Evaluate(longPin);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(PinStrengthLevel.High, result.Level);
        Assert.True(allocated < 2_000, $"allocated {allocated} bytes");
    }

    private static bool IsText(Type type) =>
        type == typeof(string)
        || type == typeof(char[])
        || type == typeof(ReadOnlyMemory<char>)
        || type == typeof(Memory<char>)
        || typeof(IEnumerable<char>).IsAssignableFrom(type);
}
