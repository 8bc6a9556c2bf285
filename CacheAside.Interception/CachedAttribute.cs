namespace CacheAside.Interception;

/// <summary>
/// Marks an interface method as a cached read: the proxy answers from Redis when it can and calls the
/// implementation only on a miss, storing its result with a time to live.
/// </summary>
/// <remarks>
/// <para>
/// The method must return a value: <c>T</c>, <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>.
/// Methods returning <see langword="void"/>, <see cref="Task"/> or <see cref="ValueTask"/>, or having
/// <c>out</c>/<c>ref</c> parameters, are rejected when the container is built.
/// </para>
/// <para>
/// Without a key template the key is built from the interface, the method, its generic arguments, its
/// parameter types and the argument values (parameters marked <see cref="CacheKeyIgnoreAttribute"/> left out).
/// With a template, placeholders name a parameter (<c>{id}</c>), a property path of one
/// (<c>{query.CustomerId}</c>), or a type parameter of the method or of its generic interface (<c>{T}</c>);
/// a template must name every such type parameter. Values are rendered from their state (every field, never
/// through JSON), with their type where the declared type does not fix it, in the invariant culture and
/// escaped, so different calls never share a key. Parameters no key can stand for (delegates, expressions,
/// streams) are refused when the container is built.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Cached("product:{id}", TtlSeconds = 60)]
/// Task&lt;Product?&gt; GetByIdAsync(int id, CancellationToken cancellationToken);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class CachedAttribute : Attribute
{
    private double? _ttlSeconds;
    private double? _nullTtlSeconds;
    private double? _earlyRefreshBeta;
    private double? _failSafeSeconds;
    private double? _softTimeoutSeconds;

    /// <summary>Caches the method under its default key (interface, method, parameter types and arguments).</summary>
    public CachedAttribute()
    {
    }

    /// <summary>Caches the method under a key rendered from <paramref name="key"/>.</summary>
    /// <param name="key">The key template, e.g. <c>product:{id}</c>. The configured prefix is put in front of it.</param>
    public CachedAttribute(string key)
    {
        Key = key;
    }

    /// <summary>Gets the key template, or <see langword="null"/> for the default key.</summary>
    public string? Key { get; }

    /// <summary>
    /// Gets or sets how long, in seconds, a stored result lives in Redis. Fractions are allowed.
    /// </summary>
    /// <value>When not set, <see cref="CacheAsideOptions.DefaultTtl"/>. A value of zero or less, or of more than 3650 days, is rejected when the container is built.</value>
    public double TtlSeconds
    {
        get => _ttlSeconds ?? 0;
        set => _ttlSeconds = value;
    }

    /// <summary>
    /// Gets or sets how long, in seconds, a <see langword="null"/> result lives in Redis. Setting it turns on
    /// caching of <see langword="null"/> results, so a missing row does not send every read to the database;
    /// keep it short so the row is seen soon after it is created.
    /// </summary>
    /// <value>When not set, <see langword="null"/> results are not cached. A value of zero or less, or of more than 3650 days, is rejected when the container is built.</value>
    public double NullTtlSeconds
    {
        get => _nullTtlSeconds ?? 0;
        set => _nullTtlSeconds = value;
    }

    /// <summary>
    /// Gets or sets how eagerly this method's hot entries are refreshed before they expire (the β of
    /// probabilistic early refresh); 0 turns it off for this method.
    /// </summary>
    /// <value>When not set, <see cref="CacheAsideOptions.EarlyRefreshBeta"/>. Must be between 0 and 100.</value>
    public double EarlyRefreshBeta
    {
        get => _earlyRefreshBeta ?? 0;
        set => _earlyRefreshBeta = value;
    }

    /// <summary>
    /// Gets or sets how long, in seconds, this method's entries are kept after their time to live as a
    /// fallback for when the implementation fails (fail-safe); 0 turns fail-safe off for this method.
    /// </summary>
    /// <value>When not set, <see cref="CacheAsideOptions.FailSafeWindow"/>. Must be zero or more.</value>
    public double FailSafeSeconds
    {
        get => _failSafeSeconds ?? 0;
        set => _failSafeSeconds = value;
    }

    /// <summary>
    /// Gets or sets how long, in seconds, a caller of this method that has a fail-safe fallback waits for
    /// the implementation before it is answered with the fallback, the load going on in the background.
    /// </summary>
    /// <value>When not set, <see cref="CacheAsideOptions.SourceSoftTimeout"/>. Must be positive, and needs fail-safe on for the method.</value>
    public double SoftTimeoutSeconds
    {
        get => _softTimeoutSeconds ?? 0;
        set => _softTimeoutSeconds = value;
    }

    internal double? ConfiguredTtlSeconds => _ttlSeconds;

    internal double? ConfiguredNullTtlSeconds => _nullTtlSeconds;

    internal double? ConfiguredEarlyRefreshBeta => _earlyRefreshBeta;

    internal double? ConfiguredFailSafeSeconds => _failSafeSeconds;

    internal double? ConfiguredSoftTimeoutSeconds => _softTimeoutSeconds;
}
