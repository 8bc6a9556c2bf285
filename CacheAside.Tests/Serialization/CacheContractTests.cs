using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// The cache's JSON contract writes and reads back every member that carries state, whatever the user's
/// options and attributes say about their API's JSON.
/// </summary>
public sealed class CacheContractTests
{
    [Test]
    public void ValueTuple_ComesBackWithItsItems()
    {
        var result = Codec.RoundTrip((Id: 7, Name: "seven"));

        Assert.That(result.Value, Is.EqualTo((7, "seven")));
        Assert.That(result.Json, Is.EqualTo("{\"Item1\":7,\"Item2\":\"seven\"}"));
    }

    [Test]
    public void StructOfPublicFields_ComesBackWithItsFields()
    {
        var point = new Point { X = 3, Y = -4, Label = "corner" };

        var result = Codec.RoundTrip(point);

        Assert.That(result.Value, Is.EqualTo(point));
    }

    [Test]
    public void PropertyWithPrivateSetter_ComesBackSet()
    {
        var account = new Account { Id = 1 };
        account.Deposit(125.50m);

        var result = Codec.RoundTrip(account);

        Assert.That(result.Value!.Balance, Is.EqualTo(125.50m));
    }

    [Test]
    public void PrivateSetterOfABaseClass_ComesBackSet()
    {
        var savings = new Savings { Id = 5 };
        savings.Credit(3.25m);

        var result = Codec.RoundTrip(savings);

        Assert.That(result.Value!.Interest, Is.EqualTo(3.25m));
    }

    [Test]
    public void GetOnlyCollectionInitialisedByTheClass_ComesBackFilled()
    {
        var invoice = new Invoice { Id = 2 };
        invoice.Lines.AddRange(["first", "second"]);

        var result = Codec.RoundTrip(invoice);

        Assert.That(result.Value!.Lines, Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void JsonIgnoredMembers_ComeBack_WhateverTheirCondition()
    {
        var user = new User { Id = 3, PasswordHash = "hash", Nickname = "nick" };

        var result = Codec.RoundTrip(user);

        Assert.That(result.Value!.PasswordHash, Is.EqualTo("hash"));
        Assert.That(result.Value.Nickname, Is.EqualTo("nick"));
    }

    [Test]
    public void RequiredNullableMember_UnderWhenWritingNull_IsWrittenAndReadBack()
    {
        var user = new JsonSerializerOptions { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

        var result = Codec.RoundTrip(new Registration { Id = 4, Referrer = null }, user);

        Assert.That(result.Written, Is.True, result.Problem);
        Assert.That(result.Value!.Id, Is.EqualTo(4));
        Assert.That(result.Json, Does.Contain("\"Referrer\":null"));
    }

    [Test]
    public void UsersNamingPolicyAndConverters_AreKept()
    {
        var user = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        user.Converters.Add(new JsonStringEnumConverter());

        var result = Codec.RoundTrip(new Dictionary<string, Status> { ["a"] = Status.Paid }, user);
        var account = Codec.RoundTrip(new Account { Id = 9 }, user);

        Assert.That(result.Json, Is.EqualTo("{\"a\":\"Paid\"}"));
        Assert.That(account.Json, Does.StartWith("{\"id\":9,"));
    }

    [Test]
    public void DerivedTypes_ComeBackAsThemselves_WithTheUsersDiscriminatorOnly()
    {
        var drawing = new Drawing { Shapes = [new Circle { Name = "c", Radius = 1.5 }, new Square { Name = "s", Side = 2, Colour = "red" }] };

        var result = Codec.RoundTrip(drawing);

        Assert.That(result.Value!.Shapes[1], Is.TypeOf<Square>());
        Assert.That(((Square)result.Value.Shapes[1]).Colour, Is.EqualTo("red"));
        Assert.That(result.Json, Does.Contain("\"$type\":\"circle\"").And.Not.Contain("CacheAside").And.Not.Contain("Version="));
    }

    [Test]
    public void NamedFloatingPointValues_RoundTrip()
    {
        var result = Codec.RoundTrip(new[] { double.NaN, double.NegativeInfinity, -0.0, double.MaxValue });

        Assert.That(result.Value, Is.EqualTo(new[] { double.NaN, double.NegativeInfinity, -0.0, double.MaxValue }));
        Assert.That(double.IsNegative(result.Value![2]), Is.True, "negative zero keeps its sign");
    }

    public class Deposit
    {
        private decimal _interest;

        public decimal Interest
        {
            get => _interest;
            private set => _interest = value;
        }

        public void Credit(decimal amount) => Interest += amount;
    }

    public sealed class Savings : Deposit
    {
        public int Id { get; set; }
    }
}
