using System.Text.Json;

namespace CacheAside.Interception;

/// <summary>
/// Options for cache-aside interception, set once in
/// <see cref="RegistrationExtensions.RegisterCacheAside(Autofac.ContainerBuilder, Action{CacheAsideOptions}?)"/>
/// and validated when the container is built.
/// </summary>
public sealed class CacheAsideOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string used to connect when the container has no
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> of its own. Passwords and TLS settings go here
    /// (<c>host:6379,password=…,ssl=true</c>); the password is never logged.
    /// </summary>
    /// <value>The default is <c>localhost:6379</c>.</value>
    public string RedisConfiguration { get; set; } = "localhost:6379";

    /// <summary>Gets or sets the Redis database number used for cache entries.</summary>
    /// <value>The default is <c>-1</c>: the connection's default database.</value>
    public int Database { get; set; } = -1;

    /// <summary>
    /// Gets or sets the text put in front of every key. Change its version part when the meaning of stored
    /// values changes, so old entries are ignored rather than misread.
    /// </summary>
    /// <value>The default is <c>cacheaside:v1:</c>.</value>
    public string KeyPrefix { get; set; } = "cacheaside:v1:";

    /// <summary>Gets or sets the time to live of methods whose <see cref="CachedAttribute"/> does not set one.</summary>
    /// <value>The default is 5 minutes. Must be positive.</value>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the largest random share of the time to live added to each stored entry, so entries
    /// written together do not all expire together. <c>0.1</c> adds up to 10%.
    /// </summary>
    /// <value>The default is <c>0</c> (no jitter). Must be between 0 and 1.</value>
    public double TtlJitter { get; set; }

    /// <summary>
    /// Gets or sets the longest key, in characters, stored as rendered. A longer key keeps its first
    /// characters, for reading, and ends with a SHA-256 hash of the whole key, so it stays unique.
    /// </summary>
    /// <value>The default is 256. Must be at least 64.</value>
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>
    /// Gets or sets the System.Text.Json options used to store results. Type names are never written to
    /// payloads, whatever these options say about polymorphism.
    /// </summary>
    /// <value>The default is <see langword="null"/>: <see cref="JsonSerializerDefaults.General"/> settings.</value>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Gets or sets the clock used for elapsed times.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal const int MinimumKeyLength = 64;

    internal IEnumerable<string> Validate()
    {
        if (RedisConfiguration is null)
        {
            yield return "CacheAsideOptions.RedisConfiguration is null: set it to a StackExchange.Redis configuration string such as \"localhost:6379\", or register an IConnectionMultiplexer.";
        }

        if (KeyPrefix is null)
        {
            yield return "CacheAsideOptions.KeyPrefix is null: set it to a prefix such as \"cacheaside:v1:\" (an empty string is allowed).";
        }

        if (DefaultTtl <= TimeSpan.Zero)
        {
            yield return $"CacheAsideOptions.DefaultTtl is {DefaultTtl}: set it to a positive time span.";
        }

        if (double.IsNaN(TtlJitter) || TtlJitter < 0 || TtlJitter > 1)
        {
            yield return $"CacheAsideOptions.TtlJitter is {TtlJitter}: set it between 0 (no jitter) and 1 (up to double the TTL).";
        }

        if (MaxKeyLength < MinimumKeyLength)
        {
            yield return $"CacheAsideOptions.MaxKeyLength is {MaxKeyLength}: set it to at least {MinimumKeyLength}.";
        }

        if (Database < -1)
        {
            yield return $"CacheAsideOptions.Database is {Database}: set it to -1 (the connection's default) or a database number.";
        }

        if (TimeProvider is null)
        {
            yield return "CacheAsideOptions.TimeProvider is null: leave it at TimeProvider.System or set a clock.";
        }
    }
}
