using System.Reflection;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Redis;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// Everything the attributes say about one method, validated: built once when the container is built,
/// and turned into a <see cref="MethodPlan"/> that executes calls.
/// </summary>
internal sealed record MethodSpec(
    Type Service,
    MethodInfo Method,
    string Display,
    MethodKind Kind,
    ReturnShape Shape,
    Type? ResultType,
    KeyRenderer[] Keys,
    TimeSpan Ttl,
    TimeSpan? NullTtl,
    string Fingerprint)
{
    /// <summary>
    /// Gets what default keys of this method carry to tell registrations apart (the implementation, its
    /// service key, its ordinal), so two registrations of one interface never share default-keyed entries.
    /// </summary>
    public string? KeyScope { get; init; }

    /// <summary>Gets how a read's entries are refreshed early and kept as a fallback for a failing source.</summary>
    public FreshnessPolicy Freshness { get; init; }

    /// <summary>Gets the longest an entry of this read lives in Redis: its longest time to live, with the most jitter, and the fail-safe window.</summary>
    public TimeSpan Lifetime(double jitter)
    {
        var longest = NullTtl is { } n && n > Ttl ? n : Ttl;
        return longest + TimeSpan.FromTicks((long)(longest.Ticks * jitter)) + Freshness.FailSafeWindow;
    }

    /// <summary>How long this read counts an entry as fresh, whichever process stored it (<see cref="Entries.FreshnessRule"/>).</summary>
    public Entries.FreshnessRule FreshnessRule(double jitter)
    {
        var longestValue = RedisStore.Milliseconds(Ttl + TimeSpan.FromTicks((long)(Ttl.Ticks * jitter)));
        var window = Freshness.FailSafe ? RedisStore.Milliseconds(Freshness.FailSafeWindow) : 0;
        return new(longestValue, NullTtl is { } nullTtl ? RedisStore.Milliseconds(nullTtl) : Entries.FreshnessRule.NeverFresh, window);
    }

    /// <summary>Gets this spec for one registration: its default key, if it has one, scoped to it.</summary>
    public MethodSpec ScopedTo(string scope) => this with
    {
        KeyScope = scope,
        Keys = Kind == MethodKind.Read && Keys[0] is DefaultKey ? [new DefaultKey(Service, Method, scope)] : Keys,
    };

    /// <summary>Gets the template of a read, when it has one (not the default key).</summary>
    public KeyTemplate? ReadTemplate => Kind == MethodKind.Read ? Keys[0] as KeyTemplate : null;
}
