using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CacheAside.Interception.Internal.Keys;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// The JSON body of a cache entry for results of type <typeparamref name="T"/>, under the cache's contract
/// (<see cref="CacheContract"/>). Writing refuses a value that would not come back as it was: unless the
/// type's round trip is proven at build (<see cref="FidelityCheck"/>), the written bytes are read back and
/// compared with the value, state for state (<see cref="StateComparer"/>). Reading never throws: whatever
/// goes wrong is a failed read, which the caller treats as a miss.
/// </summary>
/// <remarks>
/// Thread-safe: built once per method plan and shared by every call. Writing reuses a per-thread buffer and
/// writer (<see cref="JsonScratch"/>); reading decodes straight from the UTF-8 bytes.
/// </remarks>
internal sealed class JsonBody<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly string _root;

    public JsonBody(JsonSerializerOptions cacheOptions)
    {
        _typeInfo = (JsonTypeInfo<T>)cacheOptions.GetTypeInfo(typeof(T));
        _root = TypeNames.Display(typeof(T));
        Fidelity = FidelityCheck.Check(typeof(T), cacheOptions, []);
    }

    /// <summary>Gets what the build-time check proved; when not proven, every write is read back and compared.</summary>
    public Fidelity Fidelity { get; }

    /// <summary>
    /// Writes <paramref name="value"/>'s JSON to <paramref name="output"/>; <see langword="false"/>, with
    /// nothing written and the reason in <paramref name="problem"/> (naming the member, never a value), when
    /// the value cannot be stored or would not read back equal.
    /// </summary>
    public bool TryWrite(T value, IBufferWriter<byte> output, out string? problem)
    {
        var scratch = JsonScratch.Rent();
        try
        {
            if (!TryWrite(value, scratch, int.MaxValue, out problem, out _))
            {
                return false;
            }

            output.Write(scratch.Written);
            return true;
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }

    /// <summary>
    /// Writes <paramref name="prefix"/> (an entry's header) followed by <paramref name="value"/>'s JSON into
    /// one array of exactly that length, the only allocation; otherwise as <see cref="TryWrite(T, IBufferWriter{byte}, out string?)"/>.
    /// </summary>
    public bool TryWrite(T value, ReadOnlySpan<byte> prefix, [NotNullWhen(true)] out byte[]? entry, out string? problem) =>
        TryWrite(value, prefix, int.MaxValue, out entry, out problem, out _);

    /// <summary>
    /// As <see cref="TryWrite(T, ReadOnlySpan{byte}, out byte[], out string?)"/>, refusing (with
    /// <paramref name="tooLarge"/> set and no problem) an entry larger than <paramref name="maxBytes"/>, as
    /// soon as writing passes it.
    /// </summary>
    public bool TryWrite(T value, ReadOnlySpan<byte> prefix, int maxBytes, [NotNullWhen(true)] out byte[]? entry, out string? problem, out bool tooLarge)
    {
        var scratch = JsonScratch.Rent();
        try
        {
            if (!TryWrite(value, scratch, maxBytes - prefix.Length, out problem, out tooLarge))
            {
                entry = null;
                return false;
            }

            var body = scratch.Written;
            entry = GC.AllocateUninitializedArray<byte>(prefix.Length + body.Length);
            prefix.CopyTo(entry);
            body.CopyTo(entry.AsSpan(prefix.Length));
            return true;
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }

    /// <summary>Reads a value from <paramref name="json"/>; <see langword="false"/>, with the reason, when it is not one (never throws).</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An entry that cannot be read is a miss, whatever the deserializer or the type's own code throws.")]
    public bool TryRead(ReadOnlySpan<byte> json, out T value, out string? reason)
    {
        try
        {
            value = JsonSerializer.Deserialize(json, _typeInfo)!;
            reason = null;
            return true;
        }
        catch (Exception ex)
        {
            value = default!;
            reason = Describe(ex, "reading it");
            return false;
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever the serializer or the value's own getters throw, the value is returned uncached.")]
    private bool TryWrite(T value, JsonScratch scratch, int limit, out string? problem, out bool tooLarge)
    {
        tooLarge = false;
        var writer = scratch.Writer(_typeInfo.Options, limit);
        try
        {
            JsonSerializer.Serialize(writer, value, _typeInfo);
            writer.Flush();
        }
        catch (JsonScratch.TooLargeException)
        {
            tooLarge = true;
            problem = null;
            return false;
        }
        catch (Exception ex)
        {
            problem = Describe(ex, "writing it");
            return false;
        }

        if (!Fidelity.IsProven && !ReadsBackEqual(value, scratch.Written, out problem))
        {
            return false;
        }

        problem = null;
        return true;
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A value whose JSON cannot be read back is not stored.")]
    private bool ReadsBackEqual(T value, ReadOnlySpan<byte> json, out string? problem)
    {
        T copy;
        try
        {
            copy = JsonSerializer.Deserialize(json, _typeInfo)!;
        }
        catch (Exception ex)
        {
            problem = Describe(ex, "reading it back");
            return false;
        }

        var difference = StateComparer.FirstDifference(value, copy, typeof(T), _root);
        problem = difference is null ? null : $"{difference} reads back from JSON different from what the source returned";
        return difference is null;
    }

    /// <summary>Describes a failure by its kind and where it happened; messages of exceptions thrown by user code are left out, as they may hold data.</summary>
    private static string Describe(Exception ex, string doing) => ex switch
    {
        JsonException json => json.Path is null ? $"{doing} failed: {json.Message}" : $"{doing} failed at {json.Path}: {FirstSentence(json.Message)}",
        NotSupportedException or InvalidOperationException when ex.TargetSite?.DeclaringType?.Assembly == typeof(JsonSerializer).Assembly => $"{doing} failed: {ex.Message}",
        _ => $"{doing} threw {ex.GetType().Name}",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
