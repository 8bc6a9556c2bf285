using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>Connects to Redis for containers that bring no multiplexer of their own, and checks it at startup.</summary>
internal static class RedisConnection
{
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
    public static IConnectionMultiplexer Connect(ConfigurationOptions configuration)
    {
        var options = configuration.Clone();
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>Pings Redis once and logs what happened; the startup check of the seed's first step.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A Redis that does not answer at startup is reported, never fatal.")]
    public static bool Ping(IConnectionMultiplexer connection, int database, ILogger logger)
    {
        var endpoints = string.Join(",", connection.GetEndPoints().Select(e => e.ToString()));
        var started = Stopwatch.GetTimestamp();
        try
        {
            connection.GetDatabase(database).Ping();
            Log.Connected(logger, endpoints, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return true;
        }
        catch (Exception ex)
        {
            Log.NotConnected(logger, endpoints, ex.Message);
            return false;
        }
    }

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
