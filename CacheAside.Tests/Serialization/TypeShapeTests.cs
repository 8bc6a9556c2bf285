using System.Reflection;
using System.Reflection.Emit;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Tests.Serialization;

/// <summary>The fingerprint stored with every entry changes with every part of the type's shape a hit depends on.</summary>
public sealed class TypeShapeTests
{
    [Test]
    public void Fingerprint_IsStable()
    {
        Assert.That(TypeShape.Fingerprint(typeof(Drawing), Codec.Contract()), Is.EqualTo(TypeShape.Fingerprint(typeof(Drawing), Codec.Contract(new JsonSerializerOptions()))));
    }

    [Test]
    public void Fingerprint_CoversTheMembersOfDerivedTypes()
    {
        // As if a deploy added Colour to Square: the same types, one member fewer in the old contract.
        var before = WithoutMember(typeof(Square), "Colour");

        Assert.That(TypeShape.Fingerprint(typeof(Drawing), before), Is.Not.EqualTo(TypeShape.Fingerprint(typeof(Drawing), Codec.Contract())));
    }

    [Test]
    public void Fingerprint_CoversFields()
    {
        var before = WithoutMember(typeof(Point), "Label");

        Assert.That(TypeShape.Fingerprint(typeof(Point), before), Is.Not.EqualTo(TypeShape.Fingerprint(typeof(Point), Codec.Contract())));
    }

    [Test]
    public void Fingerprint_CoversDiscriminators()
    {
        var renamed = Modified(info =>
        {
            if (info.Type == typeof(Shape))
            {
                info.PolymorphismOptions!.DerivedTypes.RemoveAt(1);
                info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(typeof(Square), "box"));
            }
        });

        Assert.That(TypeShape.Fingerprint(typeof(Shape), renamed), Is.Not.EqualTo(TypeShape.Fingerprint(typeof(Shape), Codec.Contract())));
    }

    [Test]
    public void Fingerprint_CoversTheUsersConverters()
    {
        var user = new JsonSerializerOptions();
        user.Converters.Add(new JsonStringEnumConverter());

        Assert.That(TypeShape.Fingerprint(typeof(Status[]), Codec.Contract(user)), Is.Not.EqualTo(TypeShape.Fingerprint(typeof(Status[]), Codec.Contract())));
    }

    [Test]
    public void Fingerprint_CoversEnumMembersAndTheirValues()
    {
        var before = Enum([("Draft", 0), ("Sent", 1), ("Paid", 2)]);
        var renumbered = Enum([("Draft", 0), ("Paid", 1), ("Sent", 2)]);
        var renamed = Enum([("Draft", 0), ("Sent", 1), ("Settled", 2)]);

        Assert.That(Fingerprint(renumbered), Is.Not.EqualTo(Fingerprint(before)));
        Assert.That(Fingerprint(renamed), Is.Not.EqualTo(Fingerprint(before)));
        Assert.That(Fingerprint(Enum([("Draft", 0), ("Sent", 1), ("Paid", 2)])), Is.EqualTo(Fingerprint(before)));
    }

    [Test]
    public void Fingerprint_CoversFlagsAndTheNamesEnumMembersAreWrittenAs()
    {
        var before = Enum([("Draft", 0), ("Sent", 1)]);

        Assert.That(Fingerprint(Enum([("Draft", 0), ("Sent", 1)], flags: true)), Is.Not.EqualTo(Fingerprint(before)));
        Assert.That(Fingerprint(Enum([("Draft", 0, null), ("Sent", 1, "sent")])), Is.Not.EqualTo(Fingerprint(before)));
    }

    [Test]
    public void Fingerprint_CoversAConverterAttributeOnTheType()
    {
        var numbers = Enum([("Draft", 0), ("Sent", 1)]);
        var strings = Enum([("Draft", 0), ("Sent", 1)], converter: typeof(JsonStringEnumConverter));

        Assert.That(Fingerprint(strings), Is.Not.EqualTo(Fingerprint(numbers)));
    }

    [Test]
    public void Fingerprint_CoversTheEnumOfAMemberWrittenByItsOwnConverter()
    {
        var byString = Modified(info =>
        {
            if (info.Type.IsGenericType && info.Type.GetGenericTypeDefinition() == typeof(Holder<>))
            {
                var property = info.Properties.Single();
                property.CustomConverter = new JsonStringEnumConverter().CreateConverter(property.PropertyType, info.Options);
            }
        });
        var before = typeof(Holder<>).MakeGenericType(Enum([("Draft", 0), ("Sent", 1)]));
        var renumbered = typeof(Holder<>).MakeGenericType(Enum([("Draft", 1), ("Sent", 0)]));

        Assert.That(TypeShape.Fingerprint(renumbered, byString), Is.Not.EqualTo(TypeShape.Fingerprint(before, byString)));
    }

    /// <summary>Defines the enum Shop.Status in an assembly of its own: the same type, as two deploys would declare it.</summary>
    private static Type Enum((string Name, int Value, string? JsonName)[] members, bool flags = false, Type? converter = null)
    {
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Shop"), AssemblyBuilderAccess.Run).DefineDynamicModule("Shop");
        var status = module.DefineEnum("Shop.Status", TypeAttributes.Public, typeof(int));
        foreach (var (name, value, jsonName) in members)
        {
            var literal = status.DefineLiteral(name, value);
            if (jsonName is not null)
            {
                literal.SetCustomAttribute(new CustomAttributeBuilder(typeof(JsonStringEnumMemberNameAttribute).GetConstructor([typeof(string)])!, [jsonName]));
            }
        }

        if (flags)
        {
            status.SetCustomAttribute(new CustomAttributeBuilder(typeof(FlagsAttribute).GetConstructor(Type.EmptyTypes)!, []));
        }

        if (converter is not null)
        {
            status.SetCustomAttribute(new CustomAttributeBuilder(typeof(JsonConverterAttribute).GetConstructor([typeof(Type)])!, [converter]));
        }

        return status.CreateType();
    }

    private static Type Enum((string Name, int Value)[] members, bool flags = false, Type? converter = null) =>
        Enum(members.Select(m => (m.Name, m.Value, (string?)null)).ToArray(), flags, converter);

    private static string Fingerprint(Type type) => TypeShape.Fingerprint(type, Codec.Contract());

    private static JsonSerializerOptions WithoutMember(Type type, string member) => Modified(info =>
    {
        if (info.Type == type)
        {
            info.Properties.Remove(info.Properties.Single(p => p.Name == member));
        }
    });

    private static JsonSerializerOptions Modified(Action<JsonTypeInfo> modifier) =>
        Codec.Contract(new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(modifier) });

    public sealed class Holder<T>
    {
        public T? Value { get; set; }
    }
}
