using System.Buffers;
using CsCheck;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// For generated values of many result shapes: what is written reads back with every field equal, or the
/// write is refused with a reason. Never a silent difference.
/// </summary>
public sealed class RoundTripProperties
{
    private const int Iterations = 300;

    // Any UTF-16 code unit, lone surrogates included, and some everyday text.
    private static readonly Gen<string> s_text = Gen.OneOf(
        Gen.Char[char.MinValue, char.MaxValue].Array[0, 8].Select(chars => new string(chars)),
        Gen.String[0, 12],
        Gen.Const(string.Empty));

    private static readonly Gen<string> s_wellFormedText = Gen.OneOf(
        Gen.String[0, 12],
        Gen.Char['\u0000', '\uD7FF'].Array[0, 8].Select(chars => new string(chars)),
        Gen.Const("\uD83D\uDE00 emoji"));

    private static readonly Gen<double> s_double = Gen.OneOf(Gen.Double, Gen.Double.Special, Gen.Const(-0.0));

    private static readonly Gen<decimal> s_decimal = Gen.Select(Gen.Int, Gen.Int, Gen.Int[0, 1000], Gen.Bool, Gen.Int[0, 28])
        .Select((lo, mid, hi, negative, scale) => new decimal(lo, mid, hi, negative, (byte)scale));

    private static readonly Gen<DateTime> s_date = Gen.Select(Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks], Gen.OneOf(Gen.Const(DateTimeKind.Utc), Gen.Const(DateTimeKind.Unspecified)))
        .Select((ticks, kind) => new DateTime(ticks, kind));

    private static readonly Gen<Line> s_line = Gen.Select(s_wellFormedText, Gen.Int, s_double).Select((sku, quantity, weight) => new Line(sku, quantity, weight));

    [Test]
    public void Records_WithNestedListsDictionariesAndNullables() => Holds(
        Gen.Select(Gen.Guid, s_text, s_decimal, s_line.List[0, 4], Gen.Dictionary(s_wellFormedText, Gen.Int)[0, 4], Gen.Enum<Status>(), s_date.Nullable())
            .Select((id, customer, total, lines, tags, status, due) => new Order(id, customer, total, lines, tags, status, due)));

    [Test]
    public void ClassesWithPrivateSetters() => Holds(
        Gen.Select(s_text, s_decimal, s_double).Select((owner, balance, rate) => Wallet.Open(owner, balance, rate)));

    [Test]
    public void StructsWithFields() => Holds(
        Gen.Select(s_double, Gen.Float, Gen.Char, s_text.Null()).Select((value, ratio, mark, note) => new Reading { Value = value, Ratio = ratio, Mark = mark, Note = note }));

    [Test]
    public void ValueTuples() => Holds(Gen.Select(Gen.Int, s_text, s_double, s_decimal));

    [Test]
    public void DictionariesWithIntGuidAndEnumKeys() => Holds(
        Gen.Select(Gen.Dictionary(Gen.Int, s_text.List[0, 3])[0, 4], Gen.Dictionary(Gen.Guid, s_decimal)[0, 4], Gen.Dictionary(Gen.Enum<Status>(), s_text.Null())[0, 3])
            .Select((byNumber, byId, byStatus) => new Index { ByNumber = byNumber, ById = byId, ByStatus = byStatus }));

    [Test]
    public void DerivedTypes() => Holds(
        Gen.OneOf<Shape>(
            Gen.Select(s_text, s_double).Select(Shape (name, radius) => new Circle { Name = name, Radius = radius }),
            Gen.Select(s_text, s_double, s_text.Null()).Select(Shape (name, side, colour) => new Square { Name = name, Side = side, Colour = colour }))
            .List[0, 4].Select(shapes => new Drawing { Shapes = shapes }));

    [Test]
    public void GetOnlyCollections() => Holds(
        Gen.Select(Gen.Int, s_text.List[0, 5]).Select((id, lines) =>
        {
            var invoice = new Invoice { Id = id };
            invoice.Lines.AddRange(lines);
            return invoice;
        }));

    [Test]
    public void SequencesThroughInterfaces() => Holds<IReadOnlyList<Line>>(s_line.Array[0, 5].Select(IReadOnlyList<Line> (lines) => lines));

    [Test]
    public void StateOnlyTheGuardCanCheck() => Holds(
        Gen.Select(Gen.Int, s_decimal.Array[0, 3]).Select((id, amounts) =>
        {
            var ledger = new Ledger { Id = id };
            Array.ForEach(amounts, ledger.Add);
            return ledger;
        }),
        mostStored: false);

    /// <summary>
    /// Checks the property for <paramref name="gen"/>, and, unless <paramref name="mostStored"/> is false,
    /// that most values were stored (a guard refusing everything would pass it trivially).
    /// </summary>
    private static void Holds<T>(Gen<T> gen, bool mostStored = true)
    {
        var body = Codec.Body<T>();
        var written = 0;
        var refused = 0;
        gen.Sample(value =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            if (!body.TryWrite(value, buffer, out var problem))
            {
                Assert.That(problem, Is.Not.Null.And.Not.Empty, "a refusal says why");
                Interlocked.Increment(ref refused);
                return;
            }

            Assert.That(body.TryRead(buffer.WrittenSpan, out var back, out var reason), Is.True, reason);
            Assert.That(StateDump.Of(back), Is.EqualTo(StateDump.Of(value)));
            Interlocked.Increment(ref written);
        }, iter: Iterations);

        Assert.That(written, mostStored ? Is.GreaterThan(refused) : Is.GreaterThan(0), $"{written} values stored, {refused} refused");
    }

    public sealed record Line(string Sku, int Quantity, double Weight);

    public sealed record Order(Guid Id, string Customer, decimal Total, List<Line> Lines, Dictionary<string, int> Tags, Status Status, DateTime? Due);

    public sealed class Wallet
    {
        public string Owner { get; private set; } = string.Empty;

        public decimal Balance { get; private set; }

        public double Rate { get; private set; }

        public static Wallet Open(string owner, decimal balance, double rate) => new() { Owner = owner, Balance = balance, Rate = rate };
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1051:Do not declare visible instance fields", Justification = "Public fields are the case under test.")]
    public struct Reading
    {
        public double Value;
        public float Ratio;
        public char Mark;
        public string? Note;
    }

    public sealed class Index
    {
        public Dictionary<int, List<string>> ByNumber { get; set; } = [];

        public Dictionary<Guid, decimal> ById { get; set; } = [];

        public Dictionary<Status, string?> ByStatus { get; set; } = [];
    }
}
