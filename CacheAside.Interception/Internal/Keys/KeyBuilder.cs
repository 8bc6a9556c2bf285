using System.Security.Cryptography;
using System.Text;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>Puts the prefix in front of rendered keys and caps their length.</summary>
internal sealed class KeyBuilder
{
    // '#' plus 32 hex digits: the first 128 bits of SHA-256, far past any chance of two long keys colliding.
    private const int HashSuffixLength = 33;

    [ThreadStatic]
    private static StringBuilder? s_threadBuilder;

    private readonly string _prefix;
    private readonly int _maxLength;

    public KeyBuilder(string prefix, int maxLength)
    {
        _prefix = prefix;
        _maxLength = maxLength;
    }

    public string Build(KeyRenderer renderer, object?[] arguments)
    {
        var builder = Rent();
        renderer.Render(builder, arguments);
        return Finish(builder);
    }

    public string Build(string keyWithoutPrefix)
    {
        var builder = Rent();
        builder.Append(keyWithoutPrefix);
        return Finish(builder);
    }

    private StringBuilder Rent()
    {
        var builder = s_threadBuilder ?? new StringBuilder(128);
        s_threadBuilder = null;
        builder.Clear().Append(_prefix);
        return builder;
    }

    private string Finish(StringBuilder builder)
    {
        string key;
        if (builder.Length <= _maxLength)
        {
            key = builder.ToString();
        }
        else
        {
            // Keep a readable start for people looking at Redis; the hash of the whole key keeps it unique.
            var full = builder.ToString();
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(full));
            key = string.Concat(full.AsSpan(0, _maxLength - HashSuffixLength), "#", Convert.ToHexStringLower(hash, 0, 16));
        }

        if (builder.Capacity <= 1024)
        {
            s_threadBuilder = builder;
        }

        return key;
    }
}
