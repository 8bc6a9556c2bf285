using System.Diagnostics.CodeAnalysis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// The only code that talks to Redis. Each operation returns what happened instead of throwing: a Redis
/// failure is a fact the caller of the repository must never see.
/// </summary>
/// <remarks>
/// Sync methods use the synchronous Redis API and async methods the asynchronous one, so no thread ever
/// blocks on a task. <see cref="IDatabase"/> is taken per operation, as StackExchange.Redis recommends;
/// the multiplexer belongs to the container and is never disposed here.
/// </remarks>
[SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Any failure of the cache must fall back to the implementation (fail-open).")]
internal sealed class RedisCacheStore
{
    private const string WrongTypePrefix = "WRONGTYPE";

    private readonly IConnectionMultiplexer _connection;
    private readonly int _database;

    public RedisCacheStore(IConnectionMultiplexer connection, int database)
    {
        _connection = connection;
        _database = database;
    }

    public IConnectionMultiplexer Connection => _connection;

    public ReadResult Get(string key)
    {
        try
        {
            return ReadResult.From(Database.StringGet(key));
        }
        catch (Exception ex)
        {
            return Classify(ex);
        }
    }

    public async Task<ReadResult> GetAsync(string key)
    {
        try
        {
            return ReadResult.From(await Database.StringGetAsync(key).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return Classify(ex);
        }
    }

    /// <summary>Stores <paramref name="value"/> with <c>SET key value PX ttl</c>; returns the error, or <see langword="null"/>.</summary>
    public Exception? Set(string key, RedisValue value, TimeSpan ttl)
    {
        try
        {
            Database.StringSet(key, value, ttl);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Stores <paramref name="value"/> with <c>SET key value PX ttl</c>; returns the error, or <see langword="null"/>.</summary>
    public async Task<Exception?> SetAsync(string key, RedisValue value, TimeSpan ttl)
    {
        try
        {
            await Database.StringSetAsync(key, value, ttl).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Deletes <paramref name="keys"/> with one <c>DEL</c>; returns the error, or <see langword="null"/>.</summary>
    public Exception? Delete(RedisKey[] keys)
    {
        try
        {
            Database.KeyDelete(keys);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Deletes <paramref name="keys"/> with one <c>DEL</c>; returns the error, or <see langword="null"/>.</summary>
    public async Task<Exception?> DeleteAsync(RedisKey[] keys)
    {
        try
        {
            await Database.KeyDeleteAsync(keys).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private IDatabase Database => _connection.GetDatabase(_database);

    private static ReadResult Classify(Exception ex) =>
        ex is RedisServerException && ex.Message.StartsWith(WrongTypePrefix, StringComparison.Ordinal)
            ? new ReadResult(ReadStatus.WrongType, RedisValue.Null, ex)
            : ReadResult.Failed(ex);
}
