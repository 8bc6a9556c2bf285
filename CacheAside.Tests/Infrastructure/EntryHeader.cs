using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace CacheAside.Tests.Infrastructure;

/// <summary>The header of an entry as Redis holds it: <c>ca3:fingerprint:token:loadedAt:loadMs:freshUntil:expiredAt:json</c>.</summary>
public sealed record EntryHeader(long LoadedAtMs, long LoadMs, long FreshUntilMs, long ExpiredAtMs, string Json)
{
    public static EntryHeader? Read(IDatabase redis, string key)
    {
        var raw = redis.StringGet(key);
        if (raw.IsNull)
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString((byte[])raw!).Split(':', 8);
        return new EntryHeader(long.Parse(parts[3], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture), long.Parse(parts[5], CultureInfo.InvariantCulture), long.Parse(parts[6], CultureInfo.InvariantCulture), parts[7]);
    }
}
