namespace Kagi.Registry.Pins;

/// <summary>Storage PIN rules.</summary>
public sealed class StoragePinOptions
{
    /// <summary>
    /// Default PBKDF2-SHA256 iteration count: 210,000, OWASP's recommendation for PBKDF2-HMAC-SHA256 (Password
    /// Storage Cheat Sheet, 2023). The count is stored with every PIN, so raising it later keeps older PINs valid.
    /// </summary>
    public const int DefaultIterations = 210_000;

    /// <summary>Characters per PIN, at least 8. Default 10 (about 58 bits from the 56-character alphabet).</summary>
    public int Length { get; set; } = 10;

    /// <summary>PBKDF2-SHA256 iterations, at least 1,000 (tests use few; production keeps the default).</summary>
    public int Iterations { get; set; } = DefaultIterations;

    /// <summary>How long a PIN stays valid. Default 14 days.</summary>
    public TimeSpan Validity { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Wrong attempts after which the PIN locks until reissued. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Length, 8, nameof(Length));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Length, 64, nameof(Length));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1_000, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Validity, TimeSpan.Zero, nameof(Validity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
    }
}
