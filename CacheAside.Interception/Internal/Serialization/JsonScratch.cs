using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// A buffer and a <see cref="Utf8JsonWriter"/> kept per thread and reused for every value serialized on it,
/// so encoding allocates neither. Rented and returned: a getter that itself calls a cached method (and so
/// serializes on the same thread while the outer value is being written) gets a fresh pair instead of
/// corrupting the one in use.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Kept for the thread's life; a writer into a managed buffer holds nothing to release.")]
internal sealed class JsonScratch
{
    // A buffer grown by one huge value is let go rather than kept for the life of the thread.
    private const int KeepAtMost = 256 * 1024;

    [ThreadStatic]
    private static JsonScratch? s_free;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    private Utf8JsonWriter? _writer;

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public static JsonScratch Rent()
    {
        var scratch = s_free ?? new JsonScratch();
        s_free = null;
        return scratch;
    }

    public static void Return(JsonScratch scratch)
    {
        if (scratch._buffer.Capacity <= KeepAtMost)
        {
            // Zeroed rather than only rewound: the bytes of a value (a password hash) do not linger.
            scratch._buffer.Clear();
            s_free = scratch;
        }
    }

    /// <summary>Gets the writer, emptied, writing into this scratch's buffer with the encoder of <paramref name="options"/>.</summary>
    public Utf8JsonWriter Writer(JsonSerializerOptions options)
    {
        _buffer.ResetWrittenCount();
        if (_writer is null || !ReferenceEquals(_writer.Options.Encoder, options.Encoder) || _writer.Options.MaxDepth != options.MaxDepth)
        {
            _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = options.Encoder, MaxDepth = options.MaxDepth });
        }
        else
        {
            _writer.Reset(_buffer);
        }

        return _writer;
    }
}
