using System.Text.Json;
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
        user.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());

        Assert.That(TypeShape.Fingerprint(typeof(Status[]), Codec.Contract(user)), Is.Not.EqualTo(TypeShape.Fingerprint(typeof(Status[]), Codec.Contract())));
    }

    private static JsonSerializerOptions WithoutMember(Type type, string member) => Modified(info =>
    {
        if (info.Type == type)
        {
            info.Properties.Remove(info.Properties.Single(p => p.Name == member));
        }
    });

    private static JsonSerializerOptions Modified(Action<JsonTypeInfo> modifier) =>
        Codec.Contract(new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(modifier) });
}
