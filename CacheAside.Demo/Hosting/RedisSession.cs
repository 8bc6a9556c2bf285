using CacheAside.Interception;
using StackExchange.Redis;

namespace CacheAside.Demo.Hosting;

/// <summary>
/// The run's Redis: the one given, the default one, a private <c>redis-server</c> started for the run, or —
/// when none can be had — a connection that does not answer, so every read bypasses the cache.
/// </summary>
public sealed class RedisSession : IAsyncDisposable
{
    /// <summary>The configuration used when neither <c>--redis</c> nor <c>CACHEASIDE_REDIS</c> says otherwise.</summary>
    public const string DefaultConfiguration = "localhost:6379";

    private readonly PrivateRedisServer? _server;

    private RedisSession(ConnectionMultiplexer connection, string configuration, PrivateRedisServer? server)
    {
        Connection = connection;
        _server = server;
        Description = Describe(configuration);
        Connected = connection.IsConnected;
    }

    /// <summary>Gets the connection every scenario's container shares.</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>Gets the configuration in use, without its password.</summary>
    public string Description { get; }

    /// <summary>Gets whether Redis answered when the run started.</summary>
    public bool Connected { get; }

    /// <summary>
    /// Parses a StackExchange.Redis configuration string the way the demo uses it.
    /// </summary>
    /// <param name="configuration">The configuration string.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">The string cannot be parsed.</exception>
    /// <exception cref="FormatException">The string names no endpoint.</exception>
    public static ConfigurationOptions Parse(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        if (options.EndPoints.Count == 0)
        {
            throw new FormatException($"'{configuration}' names no endpoint: give host:port, such as {DefaultConfiguration}.");
        }

        // A cache must never queue commands behind a connection that is down: fail them at once, so the
        // call goes to the database (a bypass) instead of waiting for the command timeout. StackExchange.Redis
        // queues by default (BacklogPolicy.Default), which would add seconds to every call during an outage.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Start even when Redis is down; the multiplexer keeps reconnecting in the background.
        options.AbortOnConnectFail = false;
        // The budget the library gives the multiplexer it creates itself; the library warns about a
        // registered multiplexer whose timeouts exceed it.
        var budget = (int)Math.Ceiling(new CacheAsideOptions().RedisTimeout.TotalMilliseconds);
        options.SyncTimeout = budget;
        options.AsyncTimeout = budget;
        return options;
    }

    /// <summary>The configuration string as given, without its password.</summary>
    /// <param name="configuration">The configuration string.</param>
    /// <returns>The text.</returns>
    public static string Describe(string configuration) => ConfigurationOptions.Parse(configuration).ToString(includePassword: false);

    /// <summary>Connects to the run's Redis, starting a private server or going uncached when needed, and says which.</summary>
    /// <param name="given">The <c>--redis</c> value, or <see langword="null"/>.</param>
    /// <param name="environment">The <c>CACHEASIDE_REDIS</c> value, or <see langword="null"/>.</param>
    /// <param name="status">Where to say what happened.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <returns>The session; dispose it at the end of the run.</returns>
    /// <exception cref="ArgumentException">The configuration string cannot be parsed.</exception>
    /// <exception cref="FormatException">The configuration string names no endpoint.</exception>
    public static async Task<RedisSession> OpenAsync(string? given, string? environment, StatusWriter status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        var configuration = given ?? (string.IsNullOrWhiteSpace(environment) ? DefaultConfiguration : environment);
        var options = Parse(configuration);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        if (connection.IsConnected)
        {
            status.Info($"Using Redis at {Describe(configuration)}.");
            return new RedisSession(connection, configuration, server: null);
        }

        if (given is null && PrivateRedisServer.FindBinary() is { } binary)
        {
            await connection.DisposeAsync();
            var server = await PrivateRedisServer.StartAsync(binary, cancellationToken);
            try
            {
                var privateOptions = Parse(server.Endpoint);
                var privateConnection = await ConnectionMultiplexer.ConnectAsync(privateOptions);
                status.Info($"No Redis answered at {Describe(configuration)}, so the demo started its own redis-server on {server.Endpoint} for this run; it stops when the demo ends. (Set --redis or CACHEASIDE_REDIS to use another.)");
                return new RedisSession(privateConnection, server.Endpoint, server);
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        var install = given is null
            ? " redis-server is not installed: install it (apt-get install redis-server), or start Redis with 'docker compose up -d', to see the cache at work."
            : string.Empty;
        status.Warn(
            "running without a cache",
            $"Redis at {Describe(configuration)} does not answer. Every scenario still runs to the end, but every read goes to the database and shows as a bypass: that is the library's outage guarantee at work, not a cache.{install}");
        return new RedisSession(connection, configuration, server: null);
    }

    /// <summary>Closes the connection and stops the private server, if one was started.</summary>
    /// <returns>A task that completes when both are done.</returns>
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _server?.Dispose();
    }
}
