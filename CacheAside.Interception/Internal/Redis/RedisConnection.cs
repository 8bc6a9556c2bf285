using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>Connects to Redis for containers that bring no multiplexer of their own, and checks it at startup.</summary>
internal static class RedisConnection
{
    /// <summary>How long the first connection may take when the configuration string does not say.</summary>
    internal static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The longest the startup check's credential probe may take, in milliseconds, unless the <c>connectTimeout</c> is longer.</summary>
    private const int MaxProbeMilliseconds = 5000;

    /// <summary>Parses the configuration string; a problem when it cannot be parsed (the password never shown).</summary>
    public static ConfigurationOptions? Parse(string configuration, List<string> problems)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            if (options.EndPoints.Count == 0)
            {
                problems.Add("CacheAsideOptions.RedisConfiguration names no endpoint: give at least one host:port, such as \"localhost:6379\".");
                return null;
            }

            return options;
        }
        catch (ArgumentException ex)
        {
            problems.Add($"CacheAsideOptions.RedisConfiguration cannot be parsed ({Redact(ex.Message, configuration)}): fix the StackExchange.Redis configuration string.");
            return null;
        }
    }

    /// <summary>
    /// Connects without giving up when Redis is down: the multiplexer keeps trying in the background, and
    /// calls go to their implementations until it succeeds.
    /// </summary>
    /// <remarks>
    /// A cache is only worth asking when it answers at once, so the multiplexer is tuned for that:
    /// <c>syncTimeout</c> and <c>asyncTimeout</c> are the budget; commands issued while disconnected fail at
    /// once instead of queueing until they time out (<see cref="BacklogPolicy.FailFast"/>); and, unless the
    /// configuration string says otherwise, the first connection is given <see cref="DefaultConnectTimeout"/>.
    /// Everything else — password, user, TLS — is the configuration string's.
    /// </remarks>
    public static Task<ConnectionMultiplexer> ConnectAsync(string configuration, CacheAsideOptions cacheOptions, string purpose)
    {
        var options = ConfigurationOptions.Parse(configuration);
        var budget = (int)Math.Ceiling(cacheOptions.RedisTimeout.TotalMilliseconds);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.SyncTimeout = budget;
        options.AsyncTimeout = budget;
        options.ClientName ??= "CacheAside-" + purpose;
        if (!SetsOption(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = (int)DefaultConnectTimeout.TotalMilliseconds;
        }

        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>
    /// Pings Redis once and logs what happened; the startup check of the seed's first step. A Redis that is
    /// down is reported and tolerated; one that refuses the credentials, or does not have the configured
    /// database, is a configuration mistake and fails the build, with a message that names no password.
    /// </summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A Redis that does not answer at startup is reported, never fatal.")]
    public static bool CheckAtStartup(IConnectionMultiplexer connection, CacheAsideOptions options, bool own, ILogger logger)
    {
        var endpoints = string.Join(",", connection.GetEndPoints().Select(e => e.ToString()));

        var started = Stopwatch.GetTimestamp();
        Exception error;
        try
        {
            // The synchronous API, as OnBuilt is synchronous: waiting on a task would hold a thread that
            // the reply itself needs. Bounded by the multiplexer's syncTimeout.
            connection.GetDatabase(options.Database).Ping();
            if (options.Database > 0 && connection.GetServers().Any(server => server.ServerType == ServerType.Cluster))
            {
                throw new CacheAsideConfigurationException(
                    $"CacheAsideOptions.Database is {options.Database}, but Redis at {endpoints} is a cluster, which has only database 0: set Database to -1 (the default) or 0, and tell entries of different applications apart with KeyPrefix.");
            }

            if (options.Database > 0)
            {
                CheckDatabase(connection.GetDatabase(options.Database), options, endpoints);
            }

            Log.Connected(logger, endpoints, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return true;
        }
        catch (Exception ex) when (ex is not CacheAsideConfigurationException)
        {
            error = ex;
        }

        if (RedisErrors.IsUndecidedConnect(error))
        {
            error = SettleCredentials(connection, own) ?? error;
        }

        if (RedisErrors.IsAuthenticationFailure(error))
        {
            var where = own ? "CacheAsideOptions.RedisConfiguration" : "the configuration of the IConnectionMultiplexer registered in the container";
            throw new CacheAsideConfigurationException(
                $"Redis at {endpoints} refused to authenticate the connection: check password= (and user=, for an ACL user) in {where}; with ssl=true, also check that the server's certificate is trusted.",
                error);
        }

        Log.NotConnected(logger, endpoints, RedisErrors.Describe(error));
        return false;
    }

    /// <summary>
    /// Runs one command in the configured database, which selects it (PING does not): StackExchange.Redis refuses
    /// every command in a database the server does not have, so every call would bypass the cache for good. That
    /// is a configuration mistake, reported like a refused password; any other failure is left to the caller's check.
    /// </summary>
    private static void CheckDatabase(IDatabase database, CacheAsideOptions options, string endpoints)
    {
        try
        {
            database.KeyExists(options.KeyPrefix + "{startup}");
        }
        catch (Exception ex) when (RedisErrors.IsNoSuchDatabase(ex))
        {
            throw new CacheAsideConfigurationException(
                $"CacheAsideOptions.Database is {options.Database}, but Redis at {endpoints} has no database {options.Database}: set Database to one it has (below its databases setting, 16 unless configured), or to -1 (the connection's default).",
                ex);
        }
    }

    /// <summary>
    /// Asks a fresh connection, given twice the <c>connectTimeout</c> (up to <see cref="MaxProbeMilliseconds"/>, or the
    /// <c>connectTimeout</c> itself when longer), whether Redis accepts the credentials,
    /// when the multiplexer's own first attempt ran out of time before the server had answered its handshake.
    /// StackExchange.Redis keeps reporting that first failure and not the ones after it, so a wrong password
    /// behind a slow first handshake (a loaded machine, a distant server) would otherwise pass unnoticed
    /// until every call bypassed the cache. The answer is the probe's error, or null when it connected.
    /// </summary>
    /// <remarks>
    /// The probe is built from the configuration string, which holds no TLS callbacks; so a multiplexer the
    /// application registered with <c>ssl=true</c> is not probed, as a probe without its certificate
    /// validation could fail where the multiplexer succeeds, and that failure reads like a refused password.
    /// </remarks>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "The probe's failure is its answer.")]
    private static Exception? SettleCredentials(IConnectionMultiplexer connection, bool own)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connection.Configuration);
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (options.Ssl && !own)
        {
            return null;
        }

        // Twice the connectTimeout, but a blackholed address must not hold the build much past its own connectTimeout.
        var patience = Math.Min(2 * options.ConnectTimeout, Math.Max(options.ConnectTimeout, MaxProbeMilliseconds));
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = patience;
        options.SyncTimeout = patience;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = "CacheAside-probe";
        try
        {
            using var probe = ConnectionMultiplexer.Connect(options);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Whether a StackExchange.Redis configuration string sets <paramref name="name"/> (names are case-insensitive).</summary>
    private static bool SetsOption(string configuration, string name) => configuration
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Any(part => part.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase));

    private static string Redact(string message, string configuration)
    {
        foreach (var part in configuration.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Trim().Equals("password", StringComparison.OrdinalIgnoreCase) && equals + 1 < part.Length)
            {
                message = message.Replace(part[(equals + 1)..], "*****", StringComparison.Ordinal);
            }
        }

        return message;
    }
}
