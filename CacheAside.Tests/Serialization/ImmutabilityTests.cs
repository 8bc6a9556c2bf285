using System.Collections.Immutable;
using System.ComponentModel;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Tests.Serialization;

/// <summary>
/// Which result types count as deeply immutable, so that hits may share the instance decoded from one
/// entry: proven from the type, and anything that could be changed through an instance is not.
/// </summary>
public sealed class ImmutabilityTests
{
    [TestCase(typeof(int))]
    [TestCase(typeof(string))]
    [TestCase(typeof(decimal))]
    [TestCase(typeof(DateTimeOffset))]
    [TestCase(typeof(Guid))]
    [TestCase(typeof(DayOfWeek))]
    [TestCase(typeof(int?))]
    [TestCase(typeof(ImmutableArray<string>))]
    [TestCase(typeof(ImmutableDictionary<string, int>))]
    [TestCase(typeof(SealedPositionalRecord))]
    [TestCase(typeof(InitOnlyClass))]
    [TestCase(typeof(NestedImmutable))]
    [TestCase(typeof(StructWithWritableFields))]
    [TestCase(typeof(DeclaredImmutable))]
    [TestCase(typeof(Node))]
    public void Immutable(Type type) => Assert.That(Immutability.IsDeep(type), Is.True, type.Name);

    [TestCase(typeof(object))]
    [TestCase(typeof(int[]))]
    [TestCase(typeof(List<int>))]
    [TestCase(typeof(IReadOnlyList<int>))]
    [TestCase(typeof(ImmutableArray<int[]>))]
    [TestCase(typeof(Uri))]
    [TestCase(typeof(SettableClass))]
    [TestCase(typeof(UnsealedRecord))]
    [TestCase(typeof(RecordWithList))]
    [TestCase(typeof(RecordWithObject))]
    [TestCase(typeof(StructWithArray))]
    [TestCase(typeof(PrimaryConstructorClass))]
    [TestCase(typeof(DeclaredMutable))]
    [TestCase(typeof(UnsealedDeclaredImmutable))]
    [TestCase(typeof(DerivedFromSettable))]
    public void NotImmutable(Type type) => Assert.That(Immutability.IsDeep(type), Is.False, type.Name);

    public sealed record SealedPositionalRecord(int Id, string Name, decimal Price, DateTimeOffset At, DayOfWeek Day, Guid? Ref);

    public sealed class InitOnlyClass
    {
        public int Id { get; init; }

        public string Name { get; init; } = string.Empty;
    }

    public sealed record NestedImmutable(SealedPositionalRecord Inner, ImmutableList<SealedPositionalRecord> Items);

    public struct StructWithWritableFields
    {
        public int X { get; set; }

        public string Label { get; set; }
    }

    [ImmutableObject(true)]
    public sealed class DeclaredImmutable
    {
        public int Id { get; set; }
    }

    public sealed record Node(int Value, Node? Next);

    public sealed class SettableClass
    {
        public int Id { get; set; }
    }

    public record UnsealedRecord(int Id);

    public sealed record RecordWithList(int Id, List<string> Tags);

    public sealed record RecordWithObject(int Id, object Extra);

    public struct StructWithArray
    {
        public int[] Values { get; set; }
    }

    public sealed class PrimaryConstructorClass(int id)
    {
        public int Id => id;
    }

    [ImmutableObject(false)]
    public sealed record DeclaredMutable(int Id);

    [ImmutableObject(true)]
    public class UnsealedDeclaredImmutable
    {
        public int Id { get; init; }
    }

    public class SettableBase
    {
        public int Count { get; set; }
    }

    public sealed class DerivedFromSettable : SettableBase
    {
        public int Id { get; init; }
    }
}
