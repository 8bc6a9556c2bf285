using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Compares two values by their whole state: every instance field, private ones included, recursively;
/// sequences item by item in order, dictionaries and sets pair by pair in their enumeration order, and the
/// comparers collections keep beside their items (<see cref="CollectionComparers"/>). It is the
/// runtime guard's judge of whether a value read back from its JSON is the value that was written.
/// </summary>
/// <remarks>
/// Floating-point numbers compare by <see cref="double.Equals(double)"/>, so NaN equals NaN; decimals by value
/// and scale (1.5 and 1.50 differ); dates by ticks and kind or offset. Cycles are safe: a pair of objects
/// already being compared counts as equal. What each type is made of is worked out once and cached; the
/// fields are read through compiled getters.
/// </remarks>
internal static class StateComparer
{
    private static readonly ConcurrentDictionary<Type, Shape> s_shapes = new();

    /// <summary>
    /// Returns the path of the first member where <paramref name="actual"/> differs from
    /// <paramref name="expected"/> (such as <c>Order.Lines[2].Sku</c>), or <see langword="null"/> when their
    /// state is equal. The path names members and positions, never values.
    /// </summary>
    public static string? FirstDifference(object? expected, object? actual, Type declared, string root)
    {
        var comparison = new Comparison();
        return comparison.Equal(expected, actual, declared) ? null : comparison.Path(root);
    }

    private enum Kind
    {
        Scalar,
        Sequence,
        Dictionary,
        Object,
    }

    private sealed class Comparison
    {
        private readonly List<string> _segments = [];
        private HashSet<(object, object)>? _visiting;

        public bool Equal(object? expected, object? actual, Type declared)
        {
            if (expected is null || actual is null)
            {
                return expected is null && actual is null;
            }

            var type = expected.GetType();
            var shape = s_shapes.GetOrAdd(type, static t => Shape.Of(t));

            // Through an interface (IEnumerable<T>, IReadOnlyList<T>) only the items are the value; a declared
            // concrete type must come back as itself.
            if (type != actual.GetType() && !(shape.Kind is Kind.Sequence or Kind.Dictionary && (declared.IsInterface || declared.IsAbstract)))
            {
                return false;
            }

            if (shape.Kind == Kind.Scalar)
            {
                return shape.Equal!(expected, actual);
            }

            if (!type.IsValueType && !(_visiting ??= new(PairComparer.Instance)).Add((expected, actual)))
            {
                return true;
            }

            return shape.Kind switch
            {
                Kind.Sequence => Comparers(expected, actual) && Sequence((IEnumerable)expected, (IEnumerable)actual, shape),
                Kind.Dictionary => Comparers(expected, actual) && Dictionary((IEnumerable)expected, (IEnumerable)actual, shape),
                _ => Object(expected, actual, shape),
            };
        }

        public string Path(string root)
        {
            _segments.Reverse();
            return root + string.Concat(_segments);
        }

        /// <summary>Compares the comparers two collections keep beside their items (see <see cref="CollectionComparers"/>).</summary>
        private bool Comparers(object expected, object actual)
        {
            foreach (var role in CollectionComparers.Roles)
            {
                var left = CollectionComparers.Of(expected, role, out var member);
                var right = CollectionComparers.Of(actual, role, out var other);
                if (!Equal(left, right, typeof(object)))
                {
                    _segments.Add("." + (left is null ? other : member));
                    return false;
                }
            }

            return true;
        }

        private bool Sequence(IEnumerable expected, IEnumerable actual, Shape shape)
        {
            var left = expected.GetEnumerator();
            var right = actual.GetEnumerator();
            try
            {
                for (var index = 0; ; index++)
                {
                    var more = left.MoveNext();
                    if (more != right.MoveNext())
                    {
                        _segments.Add(more ? $" (items from [{index}] are missing)" : $" (more items than written, from [{index}])");
                        return false;
                    }

                    if (!more)
                    {
                        return true;
                    }

                    if (!Equal(left.Current, right.Current, shape.Element))
                    {
                        _segments.Add($"[{index}]");
                        return false;
                    }
                }
            }
            finally
            {
                (left as IDisposable)?.Dispose();
                (right as IDisposable)?.Dispose();
            }
        }

        private bool Dictionary(IEnumerable expected, IEnumerable actual, Shape shape)
        {
            var left = expected.GetEnumerator();
            var right = actual.GetEnumerator();
            try
            {
                for (var index = 0; ; index++)
                {
                    var more = left.MoveNext();
                    if (more != right.MoveNext())
                    {
                        _segments.Add(more ? $" (entries from [{index}] are missing)" : $" (more entries than written, from [{index}])");
                        return false;
                    }

                    if (!more)
                    {
                        return true;
                    }

                    var (leftKey, leftValue) = shape.Entry(left.Current!);
                    var (rightKey, rightValue) = shape.Entry(right.Current!);
                    if (!Equal(leftKey, rightKey, shape.Key!))
                    {
                        _segments.Add($"[{index}].Key");
                        return false;
                    }

                    if (!Equal(leftValue, rightValue, shape.Element))
                    {
                        _segments.Add($"[{index}].Value");
                        return false;
                    }
                }
            }
            finally
            {
                (left as IDisposable)?.Dispose();
                (right as IDisposable)?.Dispose();
            }
        }

        private bool Object(object expected, object actual, Shape shape)
        {
            foreach (var field in shape.Fields)
            {
                if (!Equal(field.Get(expected), field.Get(actual), field.Type))
                {
                    _segments.Add("." + field.Name);
                    return false;
                }
            }

            return true;
        }
    }

    private sealed record Field(string Name, Type Type, Func<object, object?> Get);

    /// <summary>What values of one runtime type are made of, for comparing them.</summary>
    private sealed class Shape
    {
        private Func<object, object?>? _key;
        private Func<object, object?>? _value;

        public Kind Kind { get; private init; }

        public Func<object, object, bool>? Equal { get; private init; }

        public Type Element { get; private init; } = typeof(object);

        public Type? Key { get; private init; }

        public IReadOnlyList<Field> Fields { get; private init; } = [];

        public static Shape Of(Type type)
        {
            if (ScalarEquality(type) is { } equal)
            {
                return new Shape { Kind = Kind.Scalar, Equal = equal };
            }

            var pair = Generic(type, typeof(IDictionary<,>)) ?? Generic(type, typeof(IReadOnlyDictionary<,>));
            if (pair is not null)
            {
                var entry = typeof(KeyValuePair<,>).MakeGenericType(pair);
                return new Shape
                {
                    Kind = Kind.Dictionary,
                    Key = pair[0],
                    Element = pair[1],
                    _key = MemberAccess.Getter(entry.GetProperty("Key")!),
                    _value = MemberAccess.Getter(entry.GetProperty("Value")!),
                };
            }

            if (typeof(IDictionary).IsAssignableFrom(type))
            {
                return new Shape { Kind = Kind.Dictionary, Key = typeof(object) };
            }

            if (typeof(IEnumerable).IsAssignableFrom(type))
            {
                return new Shape { Kind = Kind.Sequence, Element = Generic(type, typeof(IEnumerable<>))?[0] ?? typeof(object) };
            }

            var fields = InstanceFields.Of(type)
                .Select(f => new Field(InstanceFields.Display(f), f.FieldType, MemberAccess.Getter(f)))
                .ToArray();
            return new Shape { Kind = Kind.Object, Fields = fields };
        }

        /// <summary>Splits an enumerated dictionary entry into its key and value.</summary>
        public (object? Key, object? Value) Entry(object entry) =>
            entry is DictionaryEntry plain ? (plain.Key, plain.Value) : (_key!(entry), _value!(entry));

        private static Func<object, object, bool>? ScalarEquality(Type type)
        {
            if (type == typeof(string))
            {
                return static (a, b) => string.Equals((string)a, (string)b, StringComparison.Ordinal);
            }

            if (type == typeof(decimal))
            {
                return static (a, b) => (decimal)a == (decimal)b && ((decimal)a).Scale == ((decimal)b).Scale;
            }

            if (type == typeof(DateTime))
            {
                return static (a, b) => ((DateTime)a).Ticks == ((DateTime)b).Ticks && ((DateTime)a).Kind == ((DateTime)b).Kind;
            }

            if (type == typeof(DateTimeOffset))
            {
                return static (a, b) => ((DateTimeOffset)a).Ticks == ((DateTimeOffset)b).Ticks && ((DateTimeOffset)a).Offset == ((DateTimeOffset)b).Offset;
            }

            if (type.IsPrimitive || type.IsEnum || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type))
            {
                return static (a, b) => a.Equals(b);
            }

            // Other types of the core library that are not collections or generic containers (Guid, TimeSpan,
            // DateOnly, Uri, Version, Int128...) define their equality themselves; their internals are theirs.
            if (type.Assembly == typeof(object).Assembly && !type.IsGenericType && !typeof(IEnumerable).IsAssignableFrom(type))
            {
                return InstanceFields.Of(type).Any() ? static (a, b) => a.Equals(b) : static (_, _) => true;
            }

            if (type == typeof(Uri) || type == typeof(Version))
            {
                return static (a, b) => a.Equals(b);
            }

            return null;
        }

        private static Type[]? Generic(Type type, Type definition)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
            {
                return type.GetGenericArguments();
            }

            return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition)?.GetGenericArguments();
        }
    }

    /// <summary>Pairs of objects by reference, for cycle detection.</summary>
    private sealed class PairComparer : IEqualityComparer<(object, object)>
    {
        public static PairComparer Instance { get; } = new();

        public bool Equals((object, object) x, (object, object) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((object, object) obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
