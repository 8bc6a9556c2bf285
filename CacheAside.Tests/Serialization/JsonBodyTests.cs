using System.Buffers;
using System.Text;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// The runtime guard: a value that would not come back as it was is refused, with the member where it
/// differs; and reading never throws, whatever the bytes.
/// </summary>
public sealed class JsonBodyTests
{
    [Test]
    public void ValueStateNoJsonMemberReadsBack_IsRefused_NamingTheMember()
    {
        var ledger = new Ledger { Id = 1 };
        ledger.Add(12.5m);

        var result = Codec.RoundTrip(ledger);

        Assert.That(result.Written, Is.False);
        Assert.That(result.Problem, Is.EqualTo("Ledger._entries (items from [0] are missing) reads back from JSON different from what the source returned"));
    }

    [Test]
    public void EmptyValueOfTheSameType_IsStored()
    {
        var result = Codec.RoundTrip(new Ledger { Id = 2 });

        Assert.That(result.Written, Is.True);
        Assert.That(result.Value!.Id, Is.EqualTo(2));
    }

    [Test]
    public void GetOnlyCollectionTheConstructorFills_IsRefused_RatherThanComingBackWithItemsTwice()
    {
        var letter = new Letter();
        letter.Lines.Add("Regards");

        var result = Codec.RoundTrip(letter);

        Assert.That(result.Written, Is.False);
        Assert.That(result.Problem, Is.EqualTo("Letter.Lines[1] reads back from JSON different from what the source returned"));
    }

    [Test]
    public void StringWithALoneSurrogate_IsRefused()
    {
        var result = Codec.RoundTrip(new Price { Currency = "E\uD800R" });

        Assert.That(result.Written, Is.False);
        Assert.That(result.Problem, Does.Contain("lone UTF-16 surrogate"));
    }

    [Test]
    public void SubclassOfADeclaredConcreteType_IsRefused()
    {
        var result = Codec.RoundTrip<List<int>>(new NumberedList { 1, 2 });

        Assert.That(result.Written, Is.False);
        Assert.That(result.Problem, Is.EqualTo("List<int> reads back from JSON different from what the source returned"));
    }

    [Test]
    public void UndeclaredDerivedType_IsRefused()
    {
        var result = Codec.RoundTrip<Shape>(new Triangle());

        Assert.That(result.Written, Is.False);
        Assert.That(result.Problem, Does.StartWith("writing it failed: Runtime type ").And.Contains("Triangle' is not supported by polymorphic type"));
    }

    [TestCase("{\"Kelvin\":293.15}")]
    [TestCase("{\"Kelvin\":")]
    [TestCase("[1,2]")]
    [TestCase("\u00ff\u00fe")]
    [TestCase("")]
    public void Read_NeverThrows(string json)
    {
        var body = Codec.Body<Temperature>();

        var read = body.TryRead(Encoding.Latin1.GetBytes(json), out var value, out var reason);

        Assert.That(read, Is.False);
        Assert.That(value, Is.Null);
        Assert.That(reason, Does.StartWith("reading it failed"));
    }

    [Test]
    public void Read_OfATypeWhoseSetterThrows_IsAFailedRead()
    {
        var body = Codec.Body<Picky>();

        var read = body.TryRead("{\"Value\":-1}"u8, out _, out var reason);

        Assert.That(read, Is.False);
        Assert.That(reason, Is.EqualTo("reading it threw ArgumentOutOfRangeException"));
    }

    [Test]
    public void Write_OfAGetterThatThrows_IsRefused_WithoutItsMessage()
    {
        var body = Codec.Body<Picky>();

        var written = body.TryWrite(new Picky(), new ArrayBufferWriter<byte>(), out var problem);

        Assert.That(written, Is.False);
        Assert.That(problem, Is.EqualTo("writing it threw InvalidOperationException"));
    }

    [Test]
    public void WriteWithAHeader_GivesTheHeaderThenTheJson_InOneArray()
    {
        var body = Codec.Body<Price>();

        var written = body.TryWrite(new Price { Amount = 1.50m }, "ca1:x:"u8, out var entry, out _);

        Assert.That(written, Is.True);
        Assert.That(Encoding.UTF8.GetString(entry!), Is.EqualTo("ca1:x:{\"Currency\":\"EUR\",\"Amount\":1.50,\"Since\":\"0001-01-01T00:00:00+00:00\"}"));
    }

    [Test]
    public void NestedWrite_OnTheSameThread_DoesNotCorruptTheOuterOne()
    {
        var inner = Codec.Body<Price>();
        var outer = Codec.Body<Nesting>();
        Nesting.WhileWriting = () => inner.TryWrite(new Price { Currency = "USD" }, new ArrayBufferWriter<byte>(), out _);

        var buffer = new ArrayBufferWriter<byte>();
        var written = outer.TryWrite(new Nesting { Name = "outer" }, buffer, out var problem);

        Assert.That(written, Is.True, problem);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("{\"Name\":\"outer\"}"));
    }

    public sealed class NumberedList : List<int>
    {
    }

    public sealed class Triangle : Shape
    {
    }

    public sealed class Picky
    {
        private int _value;

        public int Value
        {
            get => _value == 0 ? throw new InvalidOperationException("secret 42") : _value;
            set => _value = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }
    }

    /// <summary>A getter that serializes another value while it is being written, as a getter calling a cached method would.</summary>
    public sealed class Nesting
    {
        private string _name = string.Empty;

        public static Func<bool>? WhileWriting { get; set; }

        public string Name
        {
            get
            {
                WhileWriting?.Invoke();
                return _name;
            }

            set => _name = value;
        }
    }
}
