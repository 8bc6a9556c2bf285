using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Decides at container build whether a result type can come back from the cache as it was stored: walks
/// its whole type graph under the cache's contract (derived types, elements, dictionary keys and values)
/// and reports every part that cannot round-trip, naming where it is and what to change; and tells whether
/// the round trip is proven, or must be checked value by value at run time.
/// </summary>
internal static class FidelityCheck
{
    /// <summary>
    /// Checks <paramref name="resultType"/>, adding one problem per part that cannot round-trip (phrased to
    /// follow "cannot store the result: ", ending with the fix).
    /// </summary>
    public static Fidelity Check(Type resultType, JsonSerializerOptions cacheOptions, List<string> problems)
    {
        var walk = new Walk(cacheOptions, problems, TypeNames.Display(resultType));
        walk.Visit(resultType, walk.Root);
        return new Fidelity(walk.Unproven);
    }

    private sealed class Walk(JsonSerializerOptions options, List<string> problems, string root)
    {
        private readonly HashSet<Type> _visited = [];

        public string Root { get; } = root;

        private string? _unproven;
        private string? _otherwise;

        public string? Unproven => _unproven ?? _otherwise;

        public void Visit(Type type, string path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!_visited.Add(type))
            {
                return;
            }

            JsonTypeInfo info;
            try
            {
                info = options.GetTypeInfo(type);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                problems.Add($"its result type contains {TypeNames.Display(type)}{At(path)}, which System.Text.Json cannot store ({ex.Message}): return a type made of plain properties");
                return;
            }

            if (CustomConverter(type) is { } converter)
            {
                Unprove($"{path} is written by the converter {converter.GetType().Name}, whose round trip cannot be proven");
                return;
            }

            // System.Text.Json's placeholder for types it refuses (delegates, Type, pointers) only throws once a value is written.
            if (info.Converter.GetType().Name.StartsWith("UnsupportedTypeConverter", StringComparison.Ordinal))
            {
                problems.Add($"its result type contains {TypeNames.Display(type)}{At(path)}, which System.Text.Json refuses to store: leave it out of the result, or return a DTO without it");
                return;
            }

            switch (info.Kind)
            {
                case JsonTypeInfoKind.None:
                    Scalar(type, path);
                    break;
                case JsonTypeInfoKind.Enumerable:
                    Collection(type, path);
                    Visit(info.ElementType!, path + "[]");
                    break;
                case JsonTypeInfoKind.Dictionary:
                    Collection(type, path);
                    Key(type, info.KeyType!, path);
                    Visit(info.KeyType!, path + ".Key");
                    Visit(info.ElementType!, path + "[]");
                    break;
                case JsonTypeInfoKind.Object:
                    Object(type, info, path);
                    break;
            }
        }

        private void Scalar(Type type, string path)
        {
            if (type == typeof(object))
            {
                problems.Add($"its result type contains object{At(path)}, which is read back from JSON as a JsonElement rather than the value that was stored: return a concrete type");
            }
            else if (!IsExact(type))
            {
                Unprove($"{path} is a {TypeNames.Display(type)}, whose JSON round trip cannot be proven");
            }
        }

        private void Collection(Type type, string path)
        {
            // A collection is written as its items only: members a subclass adds never reach the entry.
            var own = type.IsArray ? [] : InstanceFields.Of(type).Where(f => f.DeclaringType!.Namespace?.StartsWith("System", StringComparison.Ordinal) != true).ToList();
            if (own.Count > 0)
            {
                problems.Add($"{TypeNames.Display(type)}{At(path)} is a collection with members of its own ({Names(own)}), which JSON does not store (only its items are written): wrap the items in a class with a property for them beside those members, or return a DTO");
            }
            else if (CollectionComparers.CanKeep(type))
            {
                Unprove($"{path} is a {TypeNames.Display(type)}, whose comparer JSON does not store");
            }
            else if (type.IsInterface)
            {
                // IEnumerable<T>, IReadOnlyList<T>…: a set or a dictionary can stand behind one (an ImmutableSortedSet
                // behind IReadOnlyList<T>), and a lookup through it (Enumerable.Contains) goes through its comparer.
                UnproveUnlessOther($"{path} is a {TypeNames.Display(type)}, which can hold a set or a dictionary whose comparer JSON does not store");
            }
            else if (!type.IsArray && !type.IsInterface && !type.IsSealed)
            {
                Unprove($"{path} is a {TypeNames.Display(type)}, which is not sealed: a subclass could hold more than its items");
            }
        }

        private void Key(Type dictionary, Type key, string path)
        {
            var converter = options.GetConverter(key);
            if (!CacheContract.IsOwn(converter) && (!Overrides(converter, "WriteAsPropertyName") || !Overrides(converter, "ReadAsPropertyName")))
            {
                problems.Add($"{TypeNames.Display(dictionary)}{At(path)} has keys of type {TypeNames.Display(key)}, which JSON cannot write as property names: key it by string, a number, Guid, an enum or a date, or add a converter for {TypeNames.Display(key)} that overrides ReadAsPropertyName and WriteAsPropertyName");
            }
        }

        private void Object(Type type, JsonTypeInfo info, string path)
        {
            var polymorphism = info.PolymorphismOptions;
            if ((type.IsInterface || type.IsAbstract || type == typeof(object)) && polymorphism is null)
            {
                problems.Add($"its result type contains {TypeNames.Display(type)}{At(path)}, which cannot be read back from JSON as the object that was stored: return a concrete type, or declare its implementations with [JsonDerivedType]");
                return;
            }

            if (polymorphism is not null)
            {
                if (polymorphism.UnknownDerivedTypeHandling != JsonUnknownDerivedTypeHandling.FailSerialization)
                {
                    Unprove($"{path} writes undeclared subtypes as one of their base types, which drops their own members");
                }

                foreach (var derived in polymorphism.DerivedTypes)
                {
                    Visit(derived.DerivedType, $"{path}({TypeNames.Display(derived.DerivedType)})");
                }

                if (type.IsInterface || type.IsAbstract)
                {
                    return;
                }
            }
            else if (!type.IsValueType && !type.IsSealed)
            {
                Unprove($"{path} is a {TypeNames.Display(type)}, which is not sealed: a subclass could hold more");
            }

            var constructorProblem = Constructor(type, info, path);
            foreach (var property in info.Properties)
            {
                var member = property.AttributeProvider as MemberInfo;
                var memberPath = $"{path}.{member?.Name ?? property.Name}";
                if (property.Get is null)
                {
                    Unprove($"{memberPath} is never written to the entry: it has no getter");
                }

                if (property.CustomConverter is { } converter && !CacheContract.IsOwn(converter))
                {
                    Unprove($"{memberPath} is written by the converter {converter.GetType().Name}, whose round trip cannot be proven");
                    continue;
                }

                if (property.ObjectCreationHandling == JsonObjectCreationHandling.Populate)
                {
                    Unprove($"{memberPath} is filled into the collection the constructor creates, which may hold items already");
                }

                Visit(property.PropertyType, memberPath);
            }

            Fields(type, info, path, constructorProblem);
        }

        /// <summary>Checks how a hit builds the type; returns whether that is a problem (already added).</summary>
        private bool Constructor(Type type, JsonTypeInfo info, string path)
        {
            if (type.IsAbstract)
            {
                return false;
            }

            if (!type.IsValueType && info.CreateObject is null && info.ConstructorAttributeProvider is not ConstructorInfo)
            {
                problems.Add($"{TypeNames.Display(type)}{At(path)} has no constructor System.Text.Json can use (it needs a public parameterless constructor, a single public constructor, or one marked [JsonConstructor]): mark the constructor to use with [JsonConstructor], or add a public parameterless one");
                return true;
            }

            if (info.ConstructorAttributeProvider is not ConstructorInfo constructor || constructor.GetParameters().Length == 0)
            {
                return false;
            }

            var bound = info.Properties.Select(p => p.AssociatedParameter?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var unbound = constructor.GetParameters().Where(p => !bound.Contains(p.Name!)).ToList();
            foreach (var parameter in unbound)
            {
                var property = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
                problems.Add($"{Signature(constructor)}{At(path)}: parameter '{parameter.Name}' binds to no property, so a hit cannot call the constructor: add a property {property} of type {TypeNames.Display(parameter.ParameterType)}, mark a constructor whose parameters all match properties with [JsonConstructor], or return a DTO");
            }

            if (unbound.Count == 0)
            {
                Unprove($"{path} is built through its constructor {Signature(constructor)}, whose effect on the members it is passed cannot be proven");
            }

            return unbound.Count > 0;
        }

        /// <summary>Checks that every field holding state is carried by a JSON member that is written and read back.</summary>
        private void Fields(Type type, JsonTypeInfo info, string path, bool constructorProblem)
        {
            var members = info.Properties
                .Where(p => p.AttributeProvider is MemberInfo)
                .GroupBy(p => ((MemberInfo)p.AttributeProvider!).Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var uncovered = new List<FieldInfo>();
            foreach (var field in InstanceFields.Of(type))
            {
                var name = InstanceFields.AutoPropertyOf(field) ?? field.Name;
                var carried = members.TryGetValue(name, out var property)
                    && property.Get is not null
                    && (property.Set is not null || property.AssociatedParameter is not null || property.ObjectCreationHandling == JsonObjectCreationHandling.Populate);
                if (!carried)
                {
                    uncovered.Add(field);
                }
            }

            if (uncovered.Count == 0 || constructorProblem)
            {
                return;
            }

            if (!info.Properties.Any(p => p.Set is not null || p.AssociatedParameter is not null))
            {
                problems.Add($"{TypeNames.Display(type)}{At(path)} keeps its state in {Names(uncovered)}, but no member of it can be read back from JSON: give its properties setters (private ones are used), mark the fields [JsonInclude], or return a DTO");
            }
            else
            {
                Unprove($"{path} keeps state in {Names(uncovered)}, which no JSON member can be proven to carry");
            }
        }

        private JsonConverter? CustomConverter(Type type)
        {
            if (type.GetCustomAttribute<JsonConverterAttribute>() is not null)
            {
                return options.GetConverter(type);
            }

            return options.Converters.FirstOrDefault(c => !CacheContract.IsOwn(c) && c.CanConvert(type));
        }

        private void Unprove(string reason) => _unproven ??= reason;

        /// <summary>A reason of the type's declaration alone, named only when nothing about the type itself is a reason.</summary>
        private void UnproveUnlessOther(string reason) => _otherwise ??= reason;

        private string At(string path) => path == Root ? string.Empty : $" (at {path})";

        private static string Names(IEnumerable<FieldInfo> fields) => string.Join(", ", fields.Select(InstanceFields.Display));

        private static string Signature(ConstructorInfo constructor) =>
            $"{TypeNames.Display(constructor.DeclaringType!)}({string.Join(", ", constructor.GetParameters().Select(p => $"{TypeNames.Display(p.ParameterType)} {p.Name}"))})";

        private static bool Overrides(JsonConverter converter, string method)
        {
            var declaring = converter.GetType().GetMethod(method)?.DeclaringType;
            return declaring is not null && !(declaring.IsGenericType && declaring.GetGenericTypeDefinition() == typeof(JsonConverter<>));
        }

        /// <summary>Types whose built-in converters write every value exactly and read it back equal.</summary>
        private static bool IsExact(Type type) =>
            (type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr))
            || type.IsEnum
            || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
            || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(Half) || type == typeof(Int128) || type == typeof(UInt128)
            || type == typeof(byte[]);
    }
}
