using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace CacheAside.Tests.Serialization;

// Result types as users write them, one per way a hit used to come back different from the source.

/// <summary>State behind a private setter: hits used to return 0.</summary>
public sealed class Account
{
    public int Id { get; set; }

    public decimal Balance { get; private set; }

    public void Deposit(decimal amount) => Balance += amount;
}

/// <summary>A struct of public fields: hits used to return default.</summary>
[SuppressMessage("Design", "CA1051:Do not declare visible instance fields", Justification = "Public fields are the case under test.")]
public struct Point
{
    public int X;
    public int Y;
    public string? Label;
}

/// <summary>A get-only collection the class creates: hits used to return it empty.</summary>
public sealed class Invoice
{
    public int Id { get; set; }

    public List<string> Lines { get; } = [];
}

/// <summary>A get-only collection the class fills itself: filling it in place would add the items twice.</summary>
public sealed class Letter
{
    public List<string> Lines { get; } = ["Dear reader,"];
}

/// <summary>A member ignored by the user's JSON: hits used to drop it.</summary>
public sealed class User
{
    public int Id { get; set; }

    [JsonIgnore]
    public string PasswordHash { get; set; } = string.Empty;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Nickname { get; set; }
}

/// <summary>A required nullable member: with WhenWritingNull every read used to fail.</summary>
public sealed class Registration
{
    public int Id { get; set; }

    public required string? Referrer { get; set; }
}

/// <summary>A constructor parameter that binds to no property: every hit used to throw.</summary>
public sealed class Temperature(double celsius)
{
    public double Kelvin => celsius + 273.15;
}

/// <summary>Two public constructors and no marked one: System.Text.Json cannot build it.</summary>
public sealed class Coupon
{
    public Coupon(int id) => Id = id;

    public Coupon(string code) => Code = code;

    public int Id { get; }

    public string? Code { get; }
}

public readonly record struct Cell(int Row, int Column);

/// <summary>A dictionary keyed by a struct: JSON has no property name for it.</summary>
public sealed class Sheet
{
    public Dictionary<Cell, string> Cells { get; set; } = [];
}

/// <summary>A collection with a member of its own, which JSON never writes.</summary>
public sealed class Page : List<string>
{
    public int Number { get; set; }
}

/// <summary>State in a private field that nothing can read back.</summary>
public sealed class Counter
{
    private int _count;

    public int Count => _count;

    public void Increment() => _count++;
}

/// <summary>A hand-written backing field: JSON writes Entries but cannot read it back.</summary>
public sealed class Ledger
{
    private readonly List<decimal> _entries = [];

    public int Id { get; set; }

    public IReadOnlyList<decimal> Entries => _entries;

    public void Add(decimal amount) => _entries.Add(amount);
}

/// <summary>A sealed type whose every field is carried by a settable property: proven.</summary>
public sealed class Price
{
    public string Currency { get; set; } = "EUR";

    public decimal Amount { get; init; }

    public DateTimeOffset Since { get; private set; }

    public void Restate(DateTimeOffset since) => Since = since;
}

[JsonDerivedType(typeof(Circle), "circle")]
[JsonDerivedType(typeof(Square), "square")]
public abstract class Shape
{
    public string Name { get; set; } = string.Empty;
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }
}

public sealed class Square : Shape
{
    public double Side { get; set; }

    public string? Colour { get; set; }
}

public sealed class Drawing
{
    public List<Shape> Shapes { get; set; } = [];
}

public enum Status
{
    Draft,
    Sent,
    Paid,
}
