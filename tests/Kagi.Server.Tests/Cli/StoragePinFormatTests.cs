using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Registry.Pins;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The clients' local check of a typed storage PIN (<see cref="StoragePinFormat"/>) against what the server issues: every
/// PIN the server can generate passes, and what cannot be a storage PIN (empty, full-width, symbols, too short or long)
/// is refused before it is sent and counted as a wrong attempt.
/// </summary>
public class StoragePinFormatTests
{
    [Fact]
    public void Every_storage_pin_the_server_can_issue_passes_the_clients_check()
    {
        // The lengths the server can be configured for are exactly the lengths the clients accept.
        Assert.Throws<ArgumentOutOfRangeException>(() => new StoragePinOptions { Length = StoragePinFormat.MinLength - 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new StoragePinOptions { Length = StoragePinFormat.MaxLength + 1 }.Validate());
        new StoragePinOptions { Length = StoragePinFormat.MinLength }.Validate();
        new StoragePinOptions { Length = StoragePinFormat.MaxLength }.Validate();

        Assert.Equal(StoragePinInput.Acceptable, StoragePinFormat.Check(StoragePinGenerator.Alphabet.AsSpan(0, StoragePinFormat.MinLength)));
        foreach (char c in StoragePinGenerator.Alphabet)
        {
            Assert.Equal(StoragePinInput.Acceptable, StoragePinFormat.Check(new string(c, StoragePinFormat.MinLength)));
        }

        for (int i = 0; i < 200; i++)
        {
            int length = StoragePinFormat.MinLength + (i % (StoragePinFormat.MaxLength - StoragePinFormat.MinLength + 1));
            using PinBuffer pin = PinBuffer.FromChars(StoragePinGenerator.Generate(length));
            Assert.Equal(StoragePinInput.Acceptable, StoragePinFormat.Check(pin));
        }
    }

    [Theory]
    [InlineData("", StoragePinInput.Empty)]
    [InlineData("   ", StoragePinInput.Empty)]
    [InlineData("ＡＢＣ１２３", StoragePinInput.FullWidth)]
    [InlineData("Ab3dEf7h１", StoragePinInput.FullWidth)]
    [InlineData("Ab3d\u3000Ef7h", StoragePinInput.FullWidth)]
    [InlineData("c", StoragePinInput.NotAStoragePin)]
    [InlineData("y", StoragePinInput.NotAStoragePin)]
    [InlineData("Ab3dEf7", StoragePinInput.NotAStoragePin)]
    [InlineData("Ab3d-Ef7h", StoragePinInput.NotAStoragePin)]
    [InlineData("Ab3d Ef7h", StoragePinInput.NotAStoragePin)]
    [InlineData("Ab3dEf7hé", StoragePinInput.NotAStoragePin)]
    [InlineData("Ab3dEf7h", StoragePinInput.Acceptable)]
    [InlineData("  Ab3dEf7h\t", StoragePinInput.Acceptable)]
    public void Typed_input_is_classified_before_it_is_sent(string typed, StoragePinInput expected)
    {
        Assert.Equal(expected, StoragePinFormat.Check(typed));
        using PinBuffer pin = PinBuffer.FromChars(typed);
        Assert.Equal(expected, StoragePinFormat.Check(pin));
    }

    [Fact]
    public void Longer_than_any_storage_pin_and_invalid_utf8_are_refused()
    {
        Assert.Equal(StoragePinInput.NotAStoragePin, StoragePinFormat.Check(new string('A', StoragePinFormat.MaxLength + 1)));
        using PinBuffer invalid = PinBuffer.FromBytes([0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0xFF]);
        Assert.Equal(StoragePinInput.NotAStoragePin, StoragePinFormat.Check(invalid));
    }
}
