using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// The only code that talks to Redis. Each operation returns what happened instead of throwing: a Redis
/// failure is a fact the caller of the repository must never see. Every command goes through the
/// container's <see cref="RedisCircuit"/> and has a time budget (<see cref="CacheAsideOptions.RedisTimeout"/>).
/// </summary>
/// <remarks>
/// Sync methods use the synchronous Redis API, bounded by the multiplexer's <c>syncTimeout</c> (set to the
/// budget on the multiplexer CacheAside creates), and async methods the asynchronous one, awaited with the
/// budget, so no thread ever blocks on a task. <see cref="IDatabase"/> is taken per operation, as
/// StackExchange.Redis recommends; the multiplexer belongs to the container and is never disposed here.
/// </remarks>
internal sealed class RedisCacheStore
{
    private readonly IConnectionMultiplexer _connection;
    private readonly int _database;
    private readonly RedisCircuit _circuit;
    private readonly TimeSpan _budget;
    private readonly TimeProvider _time;

    public RedisCacheStore(IConnectionMultiplexer connection, int database, RedisCircuit circuit, TimeSpan budget, TimeProvider time)
    {
        _connection = connection;
        _database = database;
        _circuit = circuit;
        _budget = budget;
        _time = time;
    }

    public IConnectionMultiplexer Connection => _connection;

    public ReadResult Get(string key) =>
        ReadResult.From(_circuit.Execute(static s => s.Store.Database.StringGet(s.Key), (Store: this, Key: key)));

    public async Task<ReadResult> GetAsync(string key) =>
        ReadResult.From(await _circuit.ExecuteAsync(static s => s.Store.Database.StringGetAsync(s.Key), (Store: this, Key: key), _budget, _time).ConfigureAwait(false));

    /// <summary>Stores <paramref name="value"/> with <c>SET key value PX ttl</c>, replacing whatever the key holds.</summary>
    public WriteResult Set(string key, RedisValue value, TimeSpan ttl) =>
        WriteResult.From(_circuit.Execute(static s => s.Store.Database.StringSet(s.Key, s.Value, s.Ttl), (Store: this, Key: key, Value: value, Ttl: ttl)));

    /// <summary>Stores <paramref name="value"/> with <c>SET key value PX ttl</c>, replacing whatever the key holds.</summary>
    public async Task<WriteResult> SetAsync(string key, RedisValue value, TimeSpan ttl) =>
        WriteResult.From(await _circuit.ExecuteAsync(static async s => (RedisValue)await s.Store.Database.StringSetAsync(s.Key, s.Value, s.Ttl).ConfigureAwait(false), (Store: this, Key: key, Value: value, Ttl: ttl), _budget, _time).ConfigureAwait(false));

    /// <summary>Deletes <paramref name="keys"/> with one <c>DEL</c>.</summary>
    public WriteResult Delete(RedisKey[] keys) =>
        WriteResult.From(_circuit.Execute(static s => s.Store.Database.KeyDelete(s.Keys), (Store: this, Keys: keys)));

    /// <summary>Deletes <paramref name="keys"/> with one <c>DEL</c>.</summary>
    public async Task<WriteResult> DeleteAsync(RedisKey[] keys) =>
        WriteResult.From(await _circuit.ExecuteAsync(static async s => (RedisValue)await s.Store.Database.KeyDeleteAsync(s.Keys).ConfigureAwait(false), (Store: this, Keys: keys), _budget, _time).ConfigureAwait(false));

    private IDatabase Database => _connection.GetDatabase(_database);
}
