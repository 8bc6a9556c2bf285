using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// The JSON contract the cache stores values with, built from the user's
/// <see cref="CacheAsideOptions.SerializerOptions"/>: their property naming policy and converters are kept,
/// and then every member that carries state is written and read back (see <see cref="ContractModifier"/>).
/// The user's options describe their API's JSON; a cache entry must instead hold the whole value, since a
/// hit returns it in place of the source's.
/// </summary>
internal static class CacheContract
{
    /// <summary>Builds the read-only options the cache serializes with.</summary>
    public static JsonSerializerOptions Create(JsonSerializerOptions? user)
    {
        var options = user is null ? new JsonSerializerOptions(JsonSerializerDefaults.General) : new JsonSerializerOptions(user);

        // Public fields carry state (value tuples are nothing but fields); read-only members must be written
        // so they can be read back through a constructor or a backing field.
        options.IncludeFields = true;
        options.IgnoreReadOnlyFields = false;
        options.IgnoreReadOnlyProperties = false;

        // An ignored null is a missing member on the way back: a `required` member then fails every read.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

        options.NumberHandling = Stored(options.NumberHandling);

        // System.Text.Json applies the key policy when writing only: an enum key written as in_review is not
        // read back, so every entry of such a dictionary would be a miss.
        options.DictionaryKeyPolicy = null;

        // $id/$ref metadata cannot be combined with filling get-only collections, and the state comparer
        // compares shared references by value anyway.
        options.ReferenceHandler = null;

        // After the user's converters, so theirs win; they only refuse what would come back changed.
        options.Converters.Add(WellFormedStringConverter.Instance);
        options.Converters.Add(WellFormedCharConverter.Instance);

        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(ContractModifier.Apply);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// The number handling values are stored with, from the one the user's options or a
    /// <see cref="JsonNumberHandlingAttribute"/> ask for: NaN and infinities, values a source can return, are
    /// written rather than failing to; and numbers written as strings are read back from strings, which
    /// System.Text.Json does not do by itself, so every entry would otherwise be a miss.
    /// </summary>
    public static JsonNumberHandling Stored(JsonNumberHandling handling)
    {
        handling |= JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return (handling & JsonNumberHandling.WriteAsString) != 0 ? handling | JsonNumberHandling.AllowReadingFromString : handling;
    }

    /// <summary>Whether <paramref name="converter"/> is one the cache adds, whose JSON is known to round-trip.</summary>
    public static bool IsOwn(JsonConverter converter) =>
        converter is WellFormedStringConverter or WellFormedCharConverter;
}
