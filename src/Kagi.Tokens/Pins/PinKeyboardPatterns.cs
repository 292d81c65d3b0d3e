namespace Kagi.Tokens.Pins;

/// <summary>Detects walks along the keys of a QWERTY keyboard (<see cref="PinWeakness.KeyboardPattern"/>).</summary>
/// <remarks>
/// The keyboard is the four rows of letters and digits, each key with a row and a column: 1234567890 / qwertyuiop /
/// asdfghjkl / zxcvbnm, so that a column is a key and the keys below it ("1qaz", "2wsx", ..., "0p"). Punctuation keys and
/// shifted symbols are not part of it.
/// </remarks>
internal static class PinKeyboardPatterns
{
    /// <summary>The fewest keys of one walk in a chain of walks: 3.</summary>
    public const int WalkMinimumKeys = 3;

    // The longest walk in one direction: a whole row of ten keys.
    private const int WalkMaximumKeys = 10;

    private const int None = 0;
    private const int Right = 1;
    private const int Left = 2;
    private const int Down = 3;
    private const int Up = 4;

    private static readonly string[] Rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

    // For each ASCII character: row * 16 + column + 1 of its key (letters folded to lower case), or 0 when it has none.
    private static readonly byte[] Keys = CreateKeys();

    /// <summary>
    /// True if the PIN (only ASCII letters and digits, at least one letter, at least
    /// <see cref="PinStrengthEvaluator.KeyboardPatternMinimumLength"/> long) is a chain of walks, or a chain of walks of at
    /// least that many keys with digits before or after it. Interleaved walks are found by <see cref="PinInterleavedPatterns"/>.
    /// </summary>
    public static bool IsKeyboardPattern(ReadOnlySpan<char> pin)
    {
        if (pin.Length < PinStrengthEvaluator.KeyboardPatternMinimumLength)
        {
            return false;
        }

        bool hasLetter = false;
        foreach (char c in pin)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            hasLetter |= char.IsAsciiLetter(c);
        }

        if (!hasLetter)
        {
            return false;
        }

        if (IsWalkChain(pin))
        {
            return true;
        }

        int end = pin.Length;
        while (end > 0 && char.IsAsciiDigit(pin[end - 1]))
        {
            end--;
        }

        if (end < pin.Length && end >= PinStrengthEvaluator.KeyboardPatternMinimumLength && IsWalkChain(pin[..end]))
        {
            return true;
        }

        int start = 0;
        while (start < pin.Length && char.IsAsciiDigit(pin[start]))
        {
            start++;
        }

        return start > 0 && pin.Length - start >= PinStrengthEvaluator.KeyboardPatternMinimumLength && IsWalkChain(pin[start..]);
    }

    /// <summary>
    /// True if the <paramref name="count"/> characters of <paramref name="pin"/> at <paramref name="start"/>,
    /// <paramref name="start"/> + <paramref name="stride"/>, ... (at least two) are keys that each lie one step from the previous
    /// one, always in the same direction: right, left, down or up.
    /// </summary>
    public static bool IsWalk(ReadOnlySpan<char> pin, int start, int count, int stride)
    {
        if (count < 2)
        {
            return false;
        }

        int direction = Direction(pin[start], pin[start + stride]);
        if (direction == None)
        {
            return false;
        }

        for (int i = 2; i < count; i++)
        {
            if (Direction(pin[start + ((i - 1) * stride)], pin[start + (i * stride)]) != direction)
            {
                return false;
            }
        }

        return true;
    }

    // Whether the keys split into walks of WalkMinimumKeys to WalkMaximumKeys keys each. reachable[i % Window] tells whether
    // the first i keys split so; a walk is at most WalkMaximumKeys long, so older entries are no longer needed.
    private static bool IsWalkChain(ReadOnlySpan<char> keys)
    {
        const int Window = WalkMaximumKeys + 1;
        Span<bool> reachable = stackalloc bool[Window];
        reachable[0] = true;
        for (int end = 1; end <= keys.Length; end++)
        {
            bool splits = false;
            int longest = Math.Min(WalkMaximumKeys, end);
            for (int length = WalkMinimumKeys; length <= longest && !splits; length++)
            {
                splits = reachable[(end - length) % Window] && IsWalk(keys, end - length, length, stride: 1);
            }

            reachable[end % Window] = splits;
        }

        return reachable[keys.Length % Window];
    }

    private static int Direction(char from, char to)
    {
        int a = from < Keys.Length ? Keys[from] : 0;
        int b = to < Keys.Length ? Keys[to] : 0;
        if (a == 0 || b == 0)
        {
            return None;
        }

        int rowA = (a - 1) >> 4;
        int columnA = (a - 1) & 15;
        int rowB = (b - 1) >> 4;
        int columnB = (b - 1) & 15;
        return (rowB - rowA, columnB - columnA) switch
        {
            (0, 1) => Right,
            (0, -1) => Left,
            (1, 0) => Down,
            (-1, 0) => Up,
            _ => None,
        };
    }

    private static byte[] CreateKeys()
    {
        var keys = new byte[128];
        for (int row = 0; row < Rows.Length; row++)
        {
            for (int column = 0; column < Rows[row].Length; column++)
            {
                char c = Rows[row][column];
                keys[c] = (byte)((row << 4) + column + 1);
                if (char.IsAsciiLetterLower(c))
                {
                    keys[char.ToUpperInvariant(c)] = keys[c];
                }
            }
        }

        return keys;
    }
}
