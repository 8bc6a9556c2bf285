using CacheAside.Interception.Internal.Entries;
using CacheAside.Interception.Internal.Serialization;
using CsCheck;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// Decoding an entry whose bytes were decoded (twice) before returns the instance kept then, for deeply
/// immutable types only, and is otherwise indistinguishable from decoding afresh: any changed byte decodes anew
/// (or is unreadable, as before), freshness is judged on every read, and the table stays within its bounds.
/// </summary>
public sealed class DecodedEntriesTests
{
    private const long Now = 1_800_000_000_000;

    [Test]
    public void ImmutableResult_SameEntry_SameInstance()
    {
        var codec = Codec<Price>(reuse: true);
        var entry = Encode(codec, new Price("ACME", 12.5m), token: 42);

        Assert.That(codec.Decode(entry, Now, out var first, out _, out _), Is.EqualTo(EntryState.Fresh));
        Assert.That(codec.Decode(entry.ToArray(), Now, out var second, out _, out _), Is.EqualTo(EntryState.Fresh));
        Assert.That(codec.Decode(entry.ToArray(), Now, out var third, out _, out _), Is.EqualTo(EntryState.Fresh));

        Assert.That(second, Is.Not.SameAs(first), "an entry decoded once is only marked as seen");
        Assert.That(third, Is.SameAs(second), "decoded a second time, it is kept");
        Assert.That(third, Is.EqualTo(new Price("ACME", 12.5m)));
    }

    [Test]
    public void MutableResult_NeverShared()
    {
        var codec = Codec<MutablePrice>(reuse: true);
        var entry = Encode(codec, new MutablePrice { Symbol = "ACME", Value = 12.5m }, token: 42);

        codec.Decode(entry, Now, out _, out _, out _);
        codec.Decode(entry, Now, out var first, out _, out _);
        first.Value = 99m;
        codec.Decode(entry, Now, out var second, out _, out _);

        Assert.That(codec.Decoded, Is.Null);
        Assert.That(second, Is.Not.SameAs(first));
        Assert.That(second.Value, Is.EqualTo(12.5m), "a caller changing its result never changes the next hit's");
    }

    [Test]
    public void ReuseOff_NeverShared()
    {
        var codec = Codec<Price>(reuse: false);
        var entry = Encode(codec, new Price("ACME", 12.5m), token: 42);

        codec.Decode(entry, Now, out _, out _, out _);
        codec.Decode(entry, Now, out var first, out _, out _);
        codec.Decode(entry, Now, out var second, out _, out _);

        Assert.That(second, Is.Not.SameAs(first));
    }

    [Test]
    public void SameToken_OtherBody_DecodedAnew()
    {
        var codec = Codec<Price>(reuse: true);
        var entry = Encode(codec, new Price("ACME", 12.5m), token: 42);
        codec.Decode(entry, Now, out _, out _, out _);
        codec.Decode(entry, Now, out _, out _, out _);

        // The same header, a body changed in place (the entry written over by something else).
        var changed = (byte[])entry.Clone();
        var at = Array.LastIndexOf(changed, (byte)'5');
        changed[at] = (byte)'7';

        Assert.That(codec.Decode(changed, Now, out var value, out _, out _), Is.EqualTo(EntryState.Fresh));
        Assert.That(value, Is.EqualTo(new Price("ACME", 12.7m)));
    }

    [Test]
    public void DamagedBody_StillUnreadable()
    {
        var codec = Codec<Price>(reuse: true);
        var entry = Encode(codec, new Price("ACME", 12.5m), token: 42);
        codec.Decode(entry, Now, out _, out _, out _);
        codec.Decode(entry, Now, out _, out _, out _);

        var damaged = entry[..^3];

        Assert.That(codec.Decode(damaged, Now, out _, out _, out var reason), Is.EqualTo(EntryState.Unreadable));
        Assert.That(reason, Is.Not.Null);
    }

    [Test]
    public void Freshness_JudgedOnEveryRead()
    {
        var codec = Codec<Price>(reuse: true);
        var entry = Encode(codec, new Price("ACME", 12.5m), token: 42, freshUntil: Now + 1000);

        codec.Decode(entry, Now, out _, out _, out _);
        Assert.That(codec.Decode(entry, Now, out var fresh, out _, out _), Is.EqualTo(EntryState.Fresh));
        Assert.That(codec.Decode(entry, Now + 1000, out var stale, out var stamp, out _), Is.EqualTo(EntryState.Stale));

        Assert.That(stale, Is.SameAs(fresh));
        Assert.That(stamp.FreshUntilMs, Is.EqualTo(Now + 1000));
    }

    [Test]
    public void Table_KeepsWithinItsBytes_AndSkipsLargeEntries()
    {
        var codec = Codec<string>(reuse: true);
        var large = Encode(codec, new string('x', DecodedEntries<string>.MaxEntryBytes), token: 1);
        codec.Decode(large, Now, out _, out _, out _);
        codec.Decode(large, Now, out _, out _, out _);
        Assert.That(codec.Decoded!.Bytes, Is.Zero, "an entry above the per-entry limit is not kept");

        var text = new string('y', 8 * 1024);
        for (ulong token = 0; token < 4 * DecodedEntries<string>.Slots; token++)
        {
            var entry = Encode(codec, text, token | (token << 12));
            codec.Decode(entry, Now, out _, out _, out _);
            codec.Decode(entry, Now, out _, out _, out _);
        }

        Assert.That(codec.Decoded.Bytes, Is.GreaterThan(DecodedEntries<string>.MaxBytes / 2));
        Assert.That(codec.Decoded.Bytes, Is.LessThanOrEqualTo(DecodedEntries<string>.MaxBytes));
    }

    [Test]
    public void EntriesDecodedOnce_AreNeverCopied()
    {
        // Hits spread over far more entries than the table holds, each read once: nothing is kept.
        var codec = Codec<Price>(reuse: true);
        for (ulong token = 0; token < 2 * DecodedEntries<Price>.Slots; token++)
        {
            codec.Decode(Encode(codec, new Price("ACME", token), (token << 12) | (token << 32)), Now, out _, out _, out _);
        }

        Assert.That(codec.Decoded!.Bytes, Is.Zero);
    }

    [Test]
    public void ManyThreads_EachGetsTheValueOfItsOwnEntry()
    {
        // Entries sharing sets (tokens equal in their low bits), decoded and replaced from four threads at
        // once: whatever the table holds at a moment, a decode returns the value of the bytes it was given.
        var codec = Codec<Price>(reuse: true);
        var entries = Enumerable.Range(0, 64)
            .Select(i => (Value: new Price("S" + i, i), Entry: Encode(codec, new Price("S" + i, i), ((ulong)i << 40) | 8)))
            .ToArray();
        var wrong = 0;
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 20_000; n++)
            {
                var (value, entry) = entries[random.Next(entries.Length)];
                if (codec.Decode(entry, Now, out var decoded, out _, out _) != EntryState.Fresh || !decoded.Equals(value))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.That(wrong, Is.Zero);
        Assert.That(codec.Decoded!.Bytes, Is.GreaterThan(0).And.LessThanOrEqualTo(DecodedEntries<Price>.Ways * entries[0].Entry.Length * 2));
    }

    [Test]
    public void Property_ReuseIsTransparent()
    {
        // Entries of a few values and tokens, some with a byte changed, decoded in any order: the state, the
        // stamp and the value are those of a codec that decodes every time.
        var values = new[] { new Price("A", 1m), new Price("B", 2.5m), new Price("A", 1.5m), new Price("", -3m) };
        var plain = Codec<Price>(reuse: false);
        var gen = Gen.Select(Gen.Int[0, values.Length - 1], Gen.ULong[0, 5], Gen.Int[-1, 60], Gen.Byte).Array[1, 40];
        gen.Sample(steps =>
        {
            var reusing = Codec<Price>(reuse: true);
            foreach (var (value, token, position, replacement) in steps)
            {
                var entry = Encode(plain, values[value], token);
                if (position >= 0 && position < entry.Length)
                {
                    entry[position] = replacement;
                }

                var expected = plain.Decode(entry, Now, out var expectedValue, out var expectedStamp, out _);
                var actual = reusing.Decode(entry, Now, out var actualValue, out var actualStamp, out _);
                if (actual != expected || actualStamp != expectedStamp || !Equals(actualValue, expectedValue))
                {
                    return false;
                }
            }

            return true;
        }, iter: 300);
    }

    private static EntryCodec<T> Codec<T>(bool reuse) =>
        new(Serialization.Codec.Contract(), TypeShape.Fingerprint(typeof(T), Serialization.Codec.Contract()), reuse);

    private static byte[] Encode<T>(EntryCodec<T> codec, T value, ulong token, long freshUntil = Now + 60_000)
    {
        Assert.That(codec.TryEncode(value, new EntryStamp(token, Now, 5, freshUntil), int.MaxValue, out var entry, out var problem, out _), Is.True, problem);
        return entry!;
    }

    public sealed record Price(string Symbol, decimal Value);

    public sealed class MutablePrice
    {
        public string Symbol { get; set; } = string.Empty;

        public decimal Value { get; set; }
    }
}
