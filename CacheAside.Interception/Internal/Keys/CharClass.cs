namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A set of characters for <see cref="KeyLanguage"/>: the characters listed, or every character but those listed.
/// </summary>
/// <param name="Listed">The characters listed.</param>
/// <param name="AllBut">Whether the set is every character but <paramref name="Listed"/>.</param>
internal readonly record struct CharClass(string Listed, bool AllBut)
{
    // Tried in turn for a character two "all but" sets share: they list few, so one of these is always left.
    private const string Candidates = "x0aA_-.!~ ";

    /// <summary>Gets every character.</summary>
    public static CharClass Any { get; } = new(string.Empty, AllBut: true);

    /// <summary>The characters of <paramref name="characters"/>.</summary>
    public static CharClass Only(string characters) => new(characters, AllBut: false);

    /// <summary>Every character but those of <paramref name="characters"/>.</summary>
    public static CharClass Except(string characters) => new(characters, AllBut: true);

    /// <summary>A character both sets hold, or <see langword="null"/> when they share none.</summary>
    public char? Meets(CharClass other)
    {
        var (listed, allBut) = (this, other) switch
        {
            ({ AllBut: false }, _) => (Listed, AllBut: false),
            (_, { AllBut: false }) => (other.Listed, AllBut: false),
            _ => (Candidates, AllBut: true),
        };

        foreach (var character in listed)
        {
            if (Contains(character) && other.Contains(character))
            {
                return character;
            }
        }

        if (!allBut)
        {
            return null;
        }

        for (var character = char.MinValue; ; character++)
        {
            if (Contains(character) && other.Contains(character))
            {
                return character;
            }
        }
    }

    private bool Contains(char character) => Listed.Contains(character, StringComparison.Ordinal) != AllBut;
}
