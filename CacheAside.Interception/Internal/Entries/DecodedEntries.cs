using System.IO.Hashing;

namespace CacheAside.Interception.Internal.Entries;

/// <summary>
/// The values a method's codec decoded lately, each with the length and the 128-bit hash of the entry it came
/// from, so that a hit whose entry is, by those, one decoded before returns that earlier instance instead of
/// decoding again. Only for result types that are deeply immutable (<see cref="Serialization.Immutability"/>), where
/// sharing an instance cannot be told from a fresh copy; every hit still reads its entry from Redis, and an entry
/// that differs in a single byte has another hash, so nothing here can be staler or other than what Redis holds.
/// (Two different entries of one token and one length share an XxHash128 with a chance of one in 2^128.)
/// </summary>
/// <remarks>
/// A table of <see cref="Slots"/> slots in sets of <see cref="Ways"/>; an entry's set is picked by its token
/// (a load's random 64-bit token, written in the entry's header), so entries spread evenly. Each slot holds one
/// immutable record, read and replaced whole, so there is no lock. A hit reads one record, not the bytes of the
/// entry it came from: with a thousand keys those are rarely in the CPU's caches, and comparing them cost more
/// than the rest of the hit. The entries whose values are held add up to at most <see cref="MaxBytes"/> (an
/// entry's length stands for its value's size); an entry larger than <see cref="MaxEntryBytes"/> is never kept.
/// An entry is kept the second time it is decoded, not the first: a method whose hits spread over many more
/// entries than the table holds would otherwise keep every value it decodes, only to replace it before it is
/// read again. The tables (32 KB each) are allocated by the first entry decoded.
/// </remarks>
/// <typeparam name="T">The result type.</typeparam>
internal sealed class DecodedEntries<T>
{
    /// <summary>How many entries the table can hold.</summary>
    public const int Slots = 4096;

    /// <summary>How many slots an entry may take: the size of a set.</summary>
    public const int Ways = 4;

    /// <summary>How many bytes of entries the values held were decoded from, at most.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>The largest entry the table keeps.</summary>
    public const int MaxEntryBytes = 16 * 1024;

    private Decoded?[]? _slots;
    private uint[]? _seen;
    private long _bytes;

    /// <summary>Gets how many bytes of entries the table holds.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The stamp and value decoded earlier from exactly <paramref name="entry"/>, whose header holds <paramref name="token"/>.</summary>
    public bool TryGet(ulong token, ReadOnlySpan<byte> entry, out T value, out EntryStamp stamp)
    {
        if (Volatile.Read(ref _slots) is { } slots)
        {
            var set = SetOf(token);
            UInt128? hash = null;
            for (var i = set; i < set + Ways; i++)
            {
                if (Volatile.Read(ref slots[i]) is { } decoded && decoded.Stamp.Token == token && decoded.Length == entry.Length
                    && decoded.Hash == (hash ??= XxHash128.HashToUInt128(entry)))
                {
                    value = decoded.Value;
                    stamp = decoded.Stamp;
                    return true;
                }
            }
        }

        value = default!;
        stamp = default;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="stamp"/> and <paramref name="value"/>, just decoded from <paramref name="entry"/>, when
    /// this is the second time the entry was decoded, unless the entry is too large or the table full.
    /// </summary>
    public void Add(in EntryStamp stamp, ReadOnlySpan<byte> entry, T value)
    {
        var token = stamp.Token;
        if (entry.Length > MaxEntryBytes)
        {
            return;
        }

        // Seen once before (by these bits of the token, so a rare false match only keeps an entry early)?
        var seen = Volatile.Read(ref _seen) ?? Allocate(ref _seen);
        var tag = (uint)(token >> 32) | 1;
        var mark = (int)((token >> 12) & (Slots - 1));
        if (Volatile.Read(ref seen[mark]) != tag)
        {
            Volatile.Write(ref seen[mark], tag);
            return;
        }

        var slots = Volatile.Read(ref _slots) ?? Allocate(ref _slots);

        // An empty slot of the set, else one picked by other bits of the token: busy entries sharing a set
        // each keep a slot more often than not.
        var set = SetOf(token);
        var slot = set + (int)((token >> 40) % Ways);
        for (var i = set; i < set + Ways; i++)
        {
            if (Volatile.Read(ref slots[i]) is null)
            {
                slot = i;
                break;
            }
        }

        var replaced = Volatile.Read(ref slots[slot]);
        var growth = entry.Length - (replaced?.Length ?? 0);
        if (growth > 0 && Interlocked.Add(ref _bytes, growth) > MaxBytes)
        {
            Interlocked.Add(ref _bytes, -growth);
            return;
        }

        if (Interlocked.CompareExchange(ref slots[slot], new Decoded(stamp, XxHash128.HashToUInt128(entry), entry.Length, value), replaced) != replaced)
        {
            // Another thread replaced it first; its entry stays.
            if (growth > 0)
            {
                Interlocked.Add(ref _bytes, -growth);
            }

            return;
        }

        if (growth < 0)
        {
            Interlocked.Add(ref _bytes, growth);
        }
    }

    private static int SetOf(ulong token) => (int)(token & (Slots - 1)) & ~(Ways - 1);

    private static TItem[] Allocate<TItem>(ref TItem[]? table)
    {
        Interlocked.CompareExchange(ref table, new TItem[Slots], null);
        return table;
    }

    /// <summary>
    /// An entry as it was read — its length and 128-bit hash, which a hit compares without reading the bytes kept
    /// elsewhere in memory, one cache line instead of the entry's — and the stamp and value decoded from it.
    /// </summary>
    private sealed class Decoded(EntryStamp stamp, UInt128 hash, int length, T value)
    {
        public readonly EntryStamp Stamp = stamp;
        public readonly UInt128 Hash = hash;
        public readonly int Length = length;
        public readonly T Value = value;
    }
}
