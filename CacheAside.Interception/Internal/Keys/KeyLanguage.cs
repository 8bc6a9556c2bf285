using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// A set of key bodies, as an automaton over characters: every body a template can render, built from the forms
/// each placeholder's values take (see <see cref="ValueForms"/>). Two templates can render the same key exactly
/// when their languages share a body, which <see cref="Shared"/> finds; the forms may hold more than rendering
/// writes, never less, so a check built on it can report a pair that never meets but never misses one that does.
/// </summary>
/// <remarks>Built only when the container is built; the automata are small (a template's text and a few states per placeholder).</remarks>
internal sealed class KeyLanguage
{
    // Each state's edges: a character class, or null for a move that reads nothing. State 0 starts, the last accepts.
    private readonly List<(CharClass? On, int To)>[] _edges;

    private KeyLanguage(List<(CharClass? On, int To)>[] edges)
    {
        _edges = edges;
    }

    /// <summary>Exactly <paramref name="text"/>.</summary>
    public static KeyLanguage Text(string text)
    {
        var edges = NewStates(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            edges[i].Add((CharClass.Only(text[i].ToString()), i + 1));
        }

        return new KeyLanguage([.. edges]);
    }

    /// <summary>One character of <paramref name="characters"/>.</summary>
    public static KeyLanguage Of(CharClass characters)
    {
        var edges = NewStates(2);
        edges[0].Add((characters, 1));
        return new KeyLanguage([.. edges]);
    }

    /// <summary>A text of each language in turn.</summary>
    public static KeyLanguage Sequence(params KeyLanguage[] parts)
    {
        var edges = NewStates(1);
        foreach (var part in parts)
        {
            var end = edges.Count - 1;
            var offset = Append(edges, part);
            edges[end].Add((null, offset));
        }

        return new KeyLanguage([.. edges]);
    }

    /// <summary>A text of any one of the languages.</summary>
    public static KeyLanguage Either(params KeyLanguage[] choices)
    {
        var edges = NewStates(1);
        var ends = new List<int>();
        foreach (var choice in choices)
        {
            edges[0].Add((null, Append(edges, choice)));
            ends.Add(edges.Count - 1);
        }

        edges.Add([]);
        foreach (var end in ends)
        {
            edges[end].Add((null, edges.Count - 1));
        }

        return new KeyLanguage([.. edges]);
    }

    /// <summary>One text of <paramref name="part"/> or more, one after the other.</summary>
    public static KeyLanguage OneOrMore(KeyLanguage part)
    {
        var edges = NewStates(0);
        Append(edges, part);
        edges[^1].Add((null, 0));
        return new KeyLanguage([.. edges]);
    }

    /// <summary>No text, or texts of <paramref name="part"/> one after the other.</summary>
    public static KeyLanguage ZeroOrMore(KeyLanguage part) => Either(Text(string.Empty), OneOrMore(part));

    /// <summary>A text of <paramref name="part"/> exactly <paramref name="count"/> times.</summary>
    public static KeyLanguage Repeat(KeyLanguage part, int count) => Sequence(Enumerable.Repeat(part, count).ToArray());

    /// <summary>A body both languages hold (the shortest), or <see langword="null"/> when they share none.</summary>
    public static string? Shared(KeyLanguage first, KeyLanguage second)
    {
        var acceptFirst = first._edges.Length - 1;
        var acceptSecond = second._edges.Length - 1;
        var from = new Dictionary<(int, int), ((int, int) Pair, char? Read)>();
        var queue = new Queue<(int First, int Second)>();
        from[(0, 0)] = ((-1, -1), null);
        queue.Enqueue((0, 0));
        while (queue.Count > 0)
        {
            var (a, b) = queue.Dequeue();
            if (a == acceptFirst && b == acceptSecond)
            {
                return Path(from, (a, b));
            }

            void Visit((int, int) next, char? read)
            {
                if (from.TryAdd(next, ((a, b), read)))
                {
                    queue.Enqueue(next);
                }
            }

            foreach (var (on, to) in first._edges[a].Where(e => e.On is null))
            {
                Visit((to, b), null);
            }

            foreach (var (on, to) in second._edges[b].Where(e => e.On is null))
            {
                Visit((a, to), null);
            }

            foreach (var (onFirst, toFirst) in first._edges[a].Where(e => e.On is not null))
            {
                foreach (var (onSecond, toSecond) in second._edges[b].Where(e => e.On is not null))
                {
                    if (onFirst!.Value.Meets(onSecond!.Value) is { } common)
                    {
                        Visit((toFirst, toSecond), common);
                    }
                }
            }
        }

        return null;
    }

    private static string Path(Dictionary<(int, int), ((int, int) Pair, char? Read)> from, (int, int) end)
    {
        var read = new StringBuilder();
        for (var at = end; at != (0, 0);)
        {
            var (previous, character) = from[at];
            if (character is { } c)
            {
                read.Insert(0, c);
            }

            at = previous;
        }

        return read.ToString();
    }

    private static List<List<(CharClass? On, int To)>> NewStates(int count) =>
        Enumerable.Range(0, count).Select(_ => new List<(CharClass? On, int To)>()).ToList();

    /// <summary>Copies <paramref name="part"/>'s states after <paramref name="edges"/>' and returns where its start landed.</summary>
    private static int Append(List<List<(CharClass? On, int To)>> edges, KeyLanguage part)
    {
        var offset = edges.Count;
        edges.AddRange(part._edges.Select(state => state.Select(e => (e.On, e.To + offset)).ToList()));
        return offset;
    }
}
