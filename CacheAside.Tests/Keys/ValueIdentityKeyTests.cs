namespace CacheAside.Tests.Keys;

/// <summary>
/// Values whose identity is easy to lose in text: flag combinations and enum values without a name, nullable values
/// boxed into an <see langword="object"/>, the kind of a <see cref="DateTime"/> and the offset of a
/// <see cref="DateTimeOffset"/>, records that derive from records.
/// </summary>
public sealed class ValueIdentityKeyTests
{
    private static readonly System.Reflection.MethodInfo s_findAny = typeof(IKeyProbe).GetMethod(nameof(IKeyProbe.FindAny))!;

    [Test]
    public void EveryValueOfAFlagsEnum_NamedOrNot_GetsItsOwnKey()
    {
        var values = Enumerable.Range(-2, 20).Select(i => (Access)i).ToList();

        var keys = values.Select(v => Key(v)).ToList();

        Assert.That(keys, Is.Unique);
        Assert.That(Key(Access.Read | Access.Write), Is.EqualTo(Key(Access.ReadWrite)), "one value, however it is spelled");
        Assert.That(Key((Access)12), Does.EndWith(")12}"), "a value some of whose bits have no name is its number");
        Assert.That(Key(Access.Read | Access.Execute), Does.EndWith(")Read\\, Execute}"));
    }

    [Test]
    public void NullableValue_BoxedIntoAnObject_IsKeyedAsItsValue()
    {
        int? five = 5;
        int? none = null;

        var boxed = (Key(five), Key(none));

        Assert.That(boxed, Is.EqualTo((Key(5), Key(null))));
    }

    [Test]
    public void DateTimesOfOneTickCount_AndDifferentKinds_GetDifferentKeys()
    {
        var ticks = new DateTime(2026, 3, 29, 2, 30, 0).Ticks;

        var keys = new[] { DateTimeKind.Utc, DateTimeKind.Local, DateTimeKind.Unspecified }.Select(k => Key(new DateTime(ticks, k))).ToList();

        Assert.That(keys, Is.Unique);
        Assert.That(keys[0], Does.EndWith(")2026-03-29T02\\:30\\:00.0000000Z}"), "a UTC time renders the same in every time zone");
        Assert.That(keys[2], Does.EndWith(")2026-03-29T02\\:30\\:00.0000000}"), "an unspecified time too");
    }

    [Test]
    public void OneInstantAtTwoOffsets_GetsTwoKeys_AndSubTickDigitsAreKept()
    {
        var instant = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1);

        var keys = (Key(instant), Key(instant.ToOffset(TimeSpan.FromHours(2))), Key(instant.AddTicks(1)));

        Assert.That(new[] { keys.Item1, keys.Item2, keys.Item3 }, Is.Unique);
    }

    [Test]
    public void DerivedRecord_AndItsBase_WithTheSameFieldValues_GetDifferentKeys()
    {
        var keys = (Key(new Animal("rex")), Key(new Dog("rex", 0)), Key(new Cat("rex", 0)));

        Assert.That(new[] { keys.Item1, keys.Item2, keys.Item3 }, Is.Unique);
        Assert.That(keys.Item2, Does.EndWith("[rex,0]}"), "the base's fields first");
    }

    [Test]
    public void ArrayOfOneDimensionWithBounds_AndAVectorWhoseFirstElementSpellsTheBounds_GetDifferentKeys()
    {
        var vector = new Point[] { new(1, 1), new(5, 6) };
        var bounded = Array.CreateInstance(typeof(Point), [1], [1]);
        bounded.SetValue(new Point(5, 6), 1);

        var keys = (Key(vector), Key(bounded));

        Assert.That(keys.Item2, Is.Not.EqualTo(keys.Item1));
        Assert.That(keys.Item2, Does.EndWith(":(CacheAside.Tests.Keys.ValueIdentityKeyTests+Point@CacheAside.Tests\\[*\\])[[1,1],[5,6]]}"));
    }

    private static string Key(object? value) => KeyProbe.KeyOf(s_findAny, [value]);

    [Flags]
    public enum Access
    {
        None = 0,
        Read = 1,
        Write = 2,
        ReadWrite = Read | Write,
        Execute = 16,
    }

    public sealed record Point(int X, int Y);

    public record Animal(string Name);

    public record Dog(string Name, int Age) : Animal(Name);

    public record Cat(string Name, int Lives) : Animal(Name);
}
