namespace Kagi.Tokens.Pins;

/// <summary>
/// Checks a new user PIN, its confirmation and optionally the current PIN against a <see cref="PinPolicy"/>.
/// Pure and thread-safe. PINs are read from caller-owned spans, so callers can zero their buffers afterwards; the PIN is never
/// copied into a string, an exception or the result.
/// </summary>
public sealed class PinPolicyValidator
{
    /// <summary>Creates a validator for <see cref="PinPolicy.Default"/>.</summary>
    public PinPolicyValidator()
        : this(PinPolicy.Default)
    {
    }

    /// <summary>Creates a validator for <paramref name="policy"/>.</summary>
    /// <param name="policy">The policy to check new PINs against.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    public PinPolicyValidator(PinPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    /// <summary>The policy this validator applies.</summary>
    public PinPolicy Policy { get; }

    /// <summary>Checks a new PIN and its confirmation, when there is no current PIN to compare with (for example, on first setup).</summary>
    /// <param name="newPin">The new PIN.</param>
    /// <param name="confirmation">The new PIN typed a second time.</param>
    /// <returns>
    /// A result listing every violation found in relevance order (see <see cref="Validate(ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char})"/>
    /// for the rules); <see cref="PinPolicyViolation.SameAsCurrent"/> is never reported.
    /// </returns>
    public PinPolicyResult Validate(ReadOnlySpan<char> newPin, ReadOnlySpan<char> confirmation) =>
        ValidateCore(newPin, confirmation, currentPin: default, hasCurrentPin: false);

    /// <summary>Checks a new PIN, its confirmation and the token's current PIN.</summary>
    /// <param name="newPin">The new PIN.</param>
    /// <param name="confirmation">The new PIN typed a second time.</param>
    /// <param name="currentPin">
    /// The token's current PIN. It is never checked for length or characters (a token may carry a PIN outside this policy);
    /// it is only compared with <paramref name="newPin"/>.
    /// </param>
    /// <returns>
    /// A result listing every violation found, each once, in ascending <see cref="PinPolicyViolation"/> value:
    /// <list type="bullet">
    /// <item><see cref="PinPolicyViolation.Empty"/> when <paramref name="newPin"/> is empty;</item>
    /// <item><see cref="PinPolicyViolation.TooShort"/> when it is not empty and shorter than <see cref="PinPolicy.MinLength"/>;</item>
    /// <item><see cref="PinPolicyViolation.TooLong"/> when it is longer than <see cref="PinPolicy.MaxLength"/>;</item>
    /// <item><see cref="PinPolicyViolation.FullWidthCharacter"/> when any character satisfies <see cref="PinCharacters.IsFullWidthForm(char)"/>;</item>
    /// <item><see cref="PinPolicyViolation.InvalidCharacter"/> when any other character is not allowed by <see cref="PinPolicy.AllowsCharacter(char)"/>;</item>
    /// <item><see cref="PinPolicyViolation.ConfirmationMismatch"/> when <paramref name="confirmation"/> differs from <paramref name="newPin"/>;</item>
    /// <item><see cref="PinPolicyViolation.SameAsCurrent"/> when <paramref name="newPin"/> is not empty and equals <paramref name="currentPin"/>.</item>
    /// </list>
    /// PINs are compared ordinally and case-sensitively with <see cref="PinComparison.FixedTimeEquals(ReadOnlySpan{char}, ReadOnlySpan{char})"/>.
    /// </returns>
    public PinPolicyResult Validate(ReadOnlySpan<char> newPin, ReadOnlySpan<char> confirmation, ReadOnlySpan<char> currentPin) =>
        ValidateCore(newPin, confirmation, currentPin, hasCurrentPin: true);

    private PinPolicyResult ValidateCore(
        ReadOnlySpan<char> newPin,
        ReadOnlySpan<char> confirmation,
        ReadOnlySpan<char> currentPin,
        bool hasCurrentPin)
    {
        bool empty = newPin.IsEmpty;
        bool tooShort = !empty && newPin.Length < Policy.MinLength;
        bool tooLong = newPin.Length > Policy.MaxLength;

        bool fullWidth = false;
        bool invalid = false;
        foreach (char c in newPin)
        {
            if (PinCharacters.IsFullWidthForm(c))
            {
                fullWidth = true;
            }
            else if (!Policy.AllowsCharacter(c))
            {
                invalid = true;
            }
        }

        bool mismatch = !PinComparison.FixedTimeEquals(newPin, confirmation);
        bool sameAsCurrent = hasCurrentPin && !empty && PinComparison.FixedTimeEquals(newPin, currentPin);

        Span<bool> found = [empty, tooShort, tooLong, fullWidth, invalid, mismatch, sameAsCurrent];
        int count = 0;
        foreach (bool flag in found)
        {
            count += flag ? 1 : 0;
        }

        var violations = new PinPolicyViolation[count];
        int next = 0;
        for (int i = 0; i < found.Length; i++)
        {
            if (found[i])
            {
                violations[next++] = (PinPolicyViolation)(i + 1);
            }
        }

        return new PinPolicyResult(violations, Policy);
    }
}
