using System.Collections.ObjectModel;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Adjusts each object contract System.Text.Json derives so that a value's state survives the round trip:
/// ignored members are written (whatever their <see cref="JsonIgnoreAttribute"/> condition), members without
/// a public setter are set through their private setter, backing field or readonly field, get-only
/// collections the type creates itself are filled in place, and numbers a <see cref="JsonNumberHandlingAttribute"/>
/// writes are read back (<see cref="CacheContract.Stored"/>). Accessors are compiled once per member.
/// </summary>
internal static class ContractModifier
{
    private static readonly HashSet<Type> s_fillable =
    [
        typeof(List<>), typeof(IList<>), typeof(ICollection<>), typeof(HashSet<>), typeof(ISet<>), typeof(SortedSet<>),
        typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(SortedDictionary<,>), typeof(SortedList<,>),
        typeof(Collection<>), typeof(ObservableCollection<>),
    ];

    public static void Apply(JsonTypeInfo info)
    {
        // [JsonNumberHandling] on a type or a member overrides the options' handling.
        if (info.NumberHandling is { } typeHandling)
        {
            info.NumberHandling = CacheContract.Stored(typeHandling);
        }

        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        // System.Text.Json cannot fill members in place on a type it builds through a constructor.
        var builtThroughConstructor = info.ConstructorAttributeProvider is MethodBase constructor && constructor.GetParameters().Length > 0;
        foreach (var property in info.Properties)
        {
            // Every ignore condition, from attributes or the user's DefaultIgnoreCondition, lives here.
            property.ShouldSerialize = null;
            if (property.NumberHandling is { } handling)
            {
                property.NumberHandling = CacheContract.Stored(handling);
            }

            if (property.AttributeProvider is not MemberInfo member || member.DeclaringType is null)
            {
                // A member another modifier made up: it brings its own accessors.
                continue;
            }

            if (property.Get is null && Readable(member))
            {
                property.Get = MemberAccess.Getter(member);
            }

            if (property.Set is null && property.AssociatedParameter is null && Writable(member) is { } target)
            {
                property.Set = MemberAccess.Setter(target);
            }

            if (!builtThroughConstructor && member is PropertyInfo { SetMethod: null } && property.CustomConverter is null && Fillable(property.PropertyType, info))
            {
                // What the constructor created (and its comparer) is kept; replacing it would lose both.
                property.ObjectCreationHandling = JsonObjectCreationHandling.Populate;
            }
        }
    }

    private static bool Readable(MemberInfo member) =>
        member is FieldInfo || (member is PropertyInfo property && property.GetMethod is not null && property.GetIndexParameters().Length == 0);

    /// <summary>The member to write a read value through: the property's own setter, else its backing field, else a readonly field.</summary>
    private static MemberInfo? Writable(MemberInfo member) => member switch
    {
        FieldInfo { IsLiteral: false } field => field,
        PropertyInfo { SetMethod: not null } property => property,
        PropertyInfo property => InstanceFields.BackingFieldOf(property),
        _ => null,
    };

    private static bool Fillable(Type type, JsonTypeInfo owner) =>
        type.IsGenericType
        && s_fillable.Contains(type.GetGenericTypeDefinition())
        && !owner.Options.Converters.Any(c => c.CanConvert(type));
}
