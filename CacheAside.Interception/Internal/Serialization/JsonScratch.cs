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
    private readonly CappedWriter _capped;

    private Utf8JsonWriter? _writer;

    private JsonScratch()
    {
        _capped = new CappedWriter(_buffer);
    }

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

    /// <summary>
    /// Gets the writer, emptied, writing into this scratch's buffer with the encoder of <paramref name="options"/>;
    /// writing more than <paramref name="limit"/> bytes throws <see cref="TooLargeException"/> as soon as the
    /// limit is passed, so a huge value is never written out whole only to be refused.
    /// </summary>
    public Utf8JsonWriter Writer(JsonSerializerOptions options, int limit = int.MaxValue)
    {
        _buffer.ResetWrittenCount();
        _capped.Limit = limit;
        if (_writer is null || !ReferenceEquals(_writer.Options.Encoder, options.Encoder) || _writer.Options.MaxDepth != options.MaxDepth)
        {
            _writer = new Utf8JsonWriter(_capped, new JsonWriterOptions { Encoder = options.Encoder, MaxDepth = options.MaxDepth, SkipValidation = false });
        }
        else
        {
            _writer.Reset(_capped);
        }

        return _writer;
    }

    /// <summary>Thrown while writing a value whose JSON passes the limit it is written under.</summary>
    [SuppressMessage("Design", "CA1032:Implement standard exception constructors", Justification = "Internal signal between the writer and JsonBody, never seen outside.")]
    [SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Internal signal between the writer and JsonBody, never seen outside.")]
    internal sealed class TooLargeException() : Exception("The value's JSON is larger than the limit it is written under.");

    /// <summary>The scratch buffer, refusing to grow past a limit.</summary>
    private sealed class CappedWriter(ArrayBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public int Limit { get; set; } = int.MaxValue;

        public void Advance(int count)
        {
            if (inner.WrittenCount + count > Limit)
            {
                throw new TooLargeException();
            }

            inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return inner.GetSpan(sizeHint);
        }

        /// <summary>
        /// Refuses, before the buffer grows, a request whose smallest possible use passes the limit: the
        /// writer asks for up to six bytes per character of a string (escaping), and uses at least one.
        /// </summary>
        private void Reserve(int sizeHint)
        {
            if (inner.WrittenCount + ((long)sizeHint / 6) > Limit)
            {
                throw new TooLargeException();
            }
        }
    }
}
