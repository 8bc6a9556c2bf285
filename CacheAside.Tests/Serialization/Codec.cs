using System.Buffers;
using System.Text;
using System.Text.Json;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Tests.Serialization;

/// <summary>The value codec as the cache builds it, from the user's options, for tests without Redis.</summary>
public static class Codec
{
    private static readonly JsonSerializerOptions s_default = CacheContract.Create(null);

    internal static JsonSerializerOptions Contract(JsonSerializerOptions? user = null) => user is null ? s_default : CacheContract.Create(user);

    internal static JsonBody<T> Body<T>(JsonSerializerOptions? user = null) => new(Contract(user));

    /// <summary>Writes and reads back <paramref name="value"/>; the JSON is returned for inspection.</summary>
    public static RoundTrip<T> RoundTrip<T>(T value, JsonSerializerOptions? user = null)
    {
        var body = Body<T>(user);
        var buffer = new ArrayBufferWriter<byte>();
        if (!body.TryWrite(value, buffer, out var problem))
        {
            return new RoundTrip<T>(false, default, null, problem);
        }

        var read = body.TryRead(buffer.WrittenSpan, out var back, out var reason);
        Assert.That(read, Is.True, $"what was written reads back: {reason}");
        return new RoundTrip<T>(true, back, Encoding.UTF8.GetString(buffer.WrittenSpan), null);
    }

    /// <summary>The problems the build-time check finds in <typeparamref name="T"/>, and whether it proved the round trip.</summary>
    public static (List<string> Problems, bool Proven, string? Unproven) Check<T>(JsonSerializerOptions? user = null)
    {
        var problems = new List<string>();
        var fidelity = FidelityCheck.Check(typeof(T), Contract(user), problems);
        return (problems, fidelity.IsProven, fidelity.Unproven);
    }
}

public sealed record RoundTrip<T>(bool Written, T? Value, string? Json, string? Problem);
