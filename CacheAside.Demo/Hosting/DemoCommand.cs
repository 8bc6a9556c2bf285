using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CacheAside.Demo.Output;
using CacheAside.Demo.Scenarios;
using CacheAside.Interception;

namespace CacheAside.Demo.Hosting;

/// <summary>
/// The command line: <c>CacheAside.Demo [scenario] [options]</c>. Exit codes: 0 when every scenario ran,
/// 2 for a bad command line (with a message saying what is wrong), 1 for anything else that went wrong.
/// </summary>
public static class DemoCommand
{
    /// <summary>The exit code of a bad command line.</summary>
    public const int BadUsage = 2;

    /// <summary>The environment variable that names the Redis to use when <c>--redis</c> is not given.</summary>
    public const string RedisVariable = "CACHEASIDE_REDIS";

    /// <summary>Parses <paramref name="args"/> and runs what they ask for.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output: the report, and nothing else.</param>
    /// <param name="error">Standard error: messages about the run.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var scenario = new Argument<string>("scenario")
        {
            Description = $"The scenario to run: {string.Join(", ", ScenarioCatalog.Names)}.",
            DefaultValueFactory = _ => ScenarioCatalog.All,
            CustomParser = ParseScenario,
        };
        var redis = new Option<string?>("--redis")
        {
            Description = $"StackExchange.Redis configuration string. Default: ${RedisVariable}, else {RedisSession.DefaultConfiguration} (and a private redis-server when that does not answer).",
            HelpName = "configuration",
            CustomParser = result =>
            {
                var value = result.Tokens[^1].Value;
                if (ParseProblem(value) is { } problem)
                {
                    result.AddError($"--redis: {problem}");
                }

                return value;
            },
        };
        var json = new Option<bool>("--json") { Description = "Write one JSON document to standard output instead of tables; messages go to standard error." };
        var seed = WholeNumber("--seed", "Seed of the Zipf key sequence.", ZipfWorkload.Default.Seed, int.MinValue, int.MaxValue);
        var calls = WholeNumber("--calls", "Reads in the Zipf workloads.", ZipfWorkload.Default.Calls, 1, 100_000);
        var keys = WholeNumber("--keys", "Distinct products the Zipf workloads read from.", ZipfWorkload.Default.Keys, 1, 100_000);
        var latency = WholeNumber("--source-latency-ms", "Simulated round trip to the database, in milliseconds.", 100, 0, 10_000);
        var skew = new Option<double>("--skew")
        {
            Description = "Zipf exponent: 1 is Zipf's law, higher is hotter.",
            DefaultValueFactory = _ => ZipfWorkload.Default.Skew,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0 && value <= 10)
                {
                    return value;
                }

                result.AddError($"--skew must be a number greater than 0 and at most 10 (1 is Zipf's law); got '{text}'.");
                return ZipfWorkload.Default.Skew;
            },
        };

        var root = new RootCommand("Cache-aside with Redis, shown through plain calls on a repository interface.")
        {
            scenario, redis, json, seed, calls, keys, skew, latency,
        };
        root.SetAction((parse, token) => RunAsync(
            new DemoSettings(
                parse.GetValue(scenario)!,
                parse.GetValue(redis),
                parse.GetValue(json),
                new ZipfWorkload(parse.GetValue(keys), parse.GetValue(skew), parse.GetValue(calls), parse.GetValue(seed)),
                TimeSpan.FromMilliseconds(parse.GetValue(latency))),
            output,
            error,
            token));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("Run with --help for the scenarios and options.");
            return BadUsage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    private static async Task<int> RunAsync(DemoSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(RedisVariable);
        if (settings.Redis is null && !string.IsNullOrWhiteSpace(fromEnvironment) && ParseProblem(fromEnvironment) is { } problem)
        {
            await error.WriteLineAsync($"{RedisVariable}: {problem}");
            return BadUsage;
        }

        var status = new StatusWriter(error, plain: settings.Json);
        await using var session = await RedisSession.OpenAsync(settings.Redis, fromEnvironment, status, cancellationToken);
        var environment = new DemoEnvironment(session.Connection, settings.SourceLatency);
        var scenarios = ScenarioCatalog.Select(settings.Scenario, settings.Workload);
        // A pipe has no width; lay the report out for a common terminal rather than 80 columns.
        var console = settings.Json ? null : new ConsoleReport(output, ReferenceEquals(output, Console.Out) && Console.IsOutputRedirected ? 120 : null);
        console?.WriteIntro(session.Description, settings.SourceLatency.TotalMilliseconds, session.Connected);
        await environment.WarmUpAsync(cancellationToken);

        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            console?.WriteStart(scenario);
            if (settings.Json)
            {
                status.Info($"running {scenario.Name}");
            }

            ScenarioResult result;
            try
            {
                result = await scenario.RunAsync(environment, cancellationToken);
            }
            catch (CacheAsideConfigurationException ex)
            {
                // Raised when a scenario's container is built: a Redis that refuses the given credentials, say.
                await error.WriteLineAsync($"The cache could not be set up with --redis {session.Description}: {ex.Message}");
                return BadUsage;
            }

            console?.WriteResult(result);
            results.Add(result);
        }

        var report = new DemoReport(session.Description, settings.SourceLatency.TotalMilliseconds, results);
        if (console is null)
        {
            await output.WriteLineAsync(JsonReport.Render(report));
        }
        else if (results.Count > 1)
        {
            console.WriteTotals(report);
        }

        return 0;
    }

    private static string ParseScenario(ArgumentResult result)
    {
        var text = result.Tokens[^1].Value;
        if (ScenarioCatalog.Names.Contains(text))
        {
            return text;
        }

        result.AddError(text.StartsWith('-')
            ? $"'{text}' is not an option of this demo."
            : $"'{text}' is not a scenario: choose one of {string.Join(", ", ScenarioCatalog.Names)}.");
        return ScenarioCatalog.All;
    }

    private static Option<int> WholeNumber(string name, string description, int defaultValue, int minimum, int maximum) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
                {
                    return value;
                }

                result.AddError(minimum == int.MinValue
                    ? $"{name} must be a whole number; got '{text}'."
                    : $"{name} must be a whole number from {minimum} to {maximum}; got '{text}'.");
                return defaultValue;
            },
        };

    private static string? ParseProblem(string configuration)
    {
        try
        {
            RedisSession.Parse(configuration);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
        catch (ArgumentException ex)
        {
            var message = ex.ParamName is { } parameter ? ex.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal) : ex.Message;
            return $"'{configuration}' is not a StackExchange.Redis configuration string: {message}";
        }
    }
}
