namespace Kagi.Tokens.Pins;

/// <summary>
/// The embedded list of commonly used PINs and passwords (Pins/CommonPins.txt) and its matching rule
/// (<see cref="PinWeakness.CommonPin"/>). Looks a PIN up without copying it into a string: variants are built in a stack
/// buffer that is cleared afterwards.
/// </summary>
internal static class PinCommonList
{
    /// <summary>The longest entry: 8, the default <see cref="PinPolicy.MaxLength"/>.</summary>
    public const int EntryMaximumLength = 8;

    /// <summary>The shortest entry: 3 (such an entry only matches with digits or symbols after it).</summary>
    public const int EntryMinimumLength = 3;

    /// <summary>The name of the embedded resource that holds the list.</summary>
    public const string ResourceName = "Kagi.Tokens.Pins.CommonPins.txt";

    private static readonly HashSet<string> EntrySet = Load();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        EntrySet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The entries, in lower case.</summary>
    public static IReadOnlyCollection<string> Entries => EntrySet;

    /// <summary>
    /// True if the PIN, ignoring case, is an entry: as it is (when longer than <see cref="EntryMinimumLength"/>), without the
    /// digits and symbols at its end, or either of these with look-alike digits and symbols read as letters.
    /// </summary>
    public static bool Contains(ReadOnlySpan<char> pin)
    {
        int end = pin.Length;
        while (end > 0 && !char.IsAsciiLetter(pin[end - 1]))
        {
            end--;
        }

        return (pin.Length > EntryMinimumLength && Matches(pin))
            || (end < pin.Length && end >= EntryMinimumLength && Matches(pin[..end]));
    }

    private static bool Matches(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length < EntryMinimumLength || candidate.Length > EntryMaximumLength)
        {
            return false;
        }

        if (Lookup.Contains(candidate))
        {
            return true;
        }

        bool hasLetter = false;
        bool hasLookAlike = false;
        foreach (char c in candidate)
        {
            hasLetter |= char.IsAsciiLetter(c);
            hasLookAlike |= LookAlike(c, one: 'i') != c;
        }

        // A PIN of digits only is not a word written with look-alikes ("1337" is not "leet").
        if (!hasLetter || !hasLookAlike)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[EntryMaximumLength];
        try
        {
            Span<char> variant = buffer[..candidate.Length];
            foreach (char one in "il")
            {
                for (int i = 0; i < candidate.Length; i++)
                {
                    variant[i] = LookAlike(candidate[i], one);
                }

                if (Lookup.Contains(variant))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            buffer.Clear();
        }
    }

    // The letter a look-alike digit or symbol stands for ('1' for one), or the character itself.
    private static char LookAlike(char c, char one) => c switch
    {
        '0' => 'o',
        '1' => one,
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' => 't',
        _ => c,
    };

    private static HashSet<string> Load()
    {
        using Stream stream = typeof(PinCommonList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(ResourceName + " is not embedded");
        using var reader = new StreamReader(stream);
        var entries = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            string entry = line.Trim();
            if (entry.Length > 0 && entry[0] != '#')
            {
                entries.Add(entry);
            }
        }

        return entries;
    }
}
