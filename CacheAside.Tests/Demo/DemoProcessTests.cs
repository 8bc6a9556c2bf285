using System.Text.Json;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Demo;

/// <summary>The built demo run as a process: its --json document, and a run with Redis unreachable.</summary>
public sealed class DemoProcessTests
{
    private static readonly string[] s_scenarios = ["ten-calls", "ttl", "invalidation", "ttl-too-short", "ttl-too-long", "zipf"];
    private static readonly string[] s_callFields = ["index", "op", "key", "outcome", "elapsedMs", "stale"];
    private static readonly string[] s_summaryFields = ["reads", "hits", "misses", "bypasses", "hitRate", "avgHitMs", "avgMissMs", "p95Ms", "totalMs"];

    [Test]
    public async Task Json_AllScenarios_StdoutIsOneDocumentOfTheDocumentedShape()
    {
        var run = await DemoProcess.RunAsync("--json", "--redis", SharedRedis.Server.Endpoint, "--calls", "30", "--source-latency-ms", "5", "--seed", "9");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        using var document = JsonDocument.Parse(run.Output);
        var root = document.RootElement;
        Assert.That(Names(root), Is.EqualTo(new[] { "redis", "sourceLatencyMs", "scenarios" }));
        Assert.That(root.GetProperty("redis").GetString(), Is.EqualTo(SharedRedis.Server.Endpoint));
        Assert.That(root.GetProperty("sourceLatencyMs").GetDouble(), Is.EqualTo(5));
        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.That(scenarios.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(s_scenarios));
        foreach (var scenario in scenarios)
        {
            AssertScenarioShape(scenario);
        }

        var byName = scenarios.ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.That(Facts(byName["ttl"]), Is.EqualTo(new Dictionary<string, double> { ["ttlSeconds"] = 2, ["waitSeconds"] = 3, ["ttlMs"] = 2000 }));
        Assert.That(Facts(byName["zipf"]), Contains.Key("keys").And.ContainKey("skew").And.ContainKey("seed").And.ContainKey("theoreticalHitRate").And.ContainKey("ttlMs"));
        Assert.That(Facts(byName["ttl-too-short"]), Contains.Key("keys").And.ContainKey("skew").And.ContainKey("seed").And.ContainKey("theoreticalHitRate").And.ContainKey("ttlMs").And.ContainKey("tunedHitRate"));
        Assert.That(Facts(byName["zipf"])["seed"], Is.EqualTo(9));
        Assert.That(Facts(byName["ttl-too-long"]), Contains.Key("ttlMs").And.ContainKey("staleReads"));
        Assert.That(byName["ten-calls"].GetProperty("summary").GetProperty("hits").GetInt32(), Is.EqualTo(9));
        Assert.That(byName["zipf"].GetProperty("summary").GetProperty("reads").GetInt32(), Is.EqualTo(30));
    }

    [Test]
    public async Task RedisUnreachable_AllScenarios_RunToTheEndWithEveryReadABypass()
    {
        var closedPort = RedisServer.FreePort();
        var redis = $"127.0.0.1:{closedPort},connectTimeout=500";

        var run = await DemoProcess.RunAsync("--json", "--redis", redis, "--calls", "30", "--source-latency-ms", "5");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        Assert.That(run.Error, Does.Contain("WARNING").And.Contain("bypass"));
        using var document = JsonDocument.Parse(run.Output);
        var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.That(scenarios.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(s_scenarios));
        var calls = scenarios.SelectMany(s => s.GetProperty("calls").EnumerateArray()).ToList();
        var reads = calls.Where(c => c.GetProperty("op").GetString() == "read").ToList();
        var writes = calls.Where(c => c.GetProperty("op").GetString() == "write").ToList();
        Assert.That(reads.Select(c => c.GetProperty("outcome").GetString()), Is.All.EqualTo("bypass"));
        Assert.That(reads.Select(c => c.GetProperty("stale").GetBoolean()), Is.All.False, "without a cache every read is fresh");
        Assert.That(writes.Select(c => c.GetProperty("outcome").GetString()), Is.All.EqualTo("not-invalidated"));
        Assert.That(scenarios.Select(s => s.GetProperty("summary").GetProperty("hits").GetInt32()), Is.All.EqualTo(0));
        Assert.That(reads.Max(c => c.GetProperty("elapsedMs").GetDouble()), Is.LessThan(500), "a bypass costs the source's latency, not a Redis timeout");
    }

    private static void AssertScenarioShape(JsonElement scenario)
    {
        var name = scenario.GetProperty("name").GetString();
        var calls = scenario.GetProperty("calls").EnumerateArray().ToList();
        Assert.That(calls, Is.Not.Empty, name);
        Assert.That(calls.Select(c => c.GetProperty("index").GetInt32()), Is.EqualTo(Enumerable.Range(1, calls.Count)), name);
        foreach (var call in calls)
        {
            Assert.That(Names(call), Is.EqualTo(s_callFields), name);
            var op = call.GetProperty("op").GetString();
            Assert.That(op, Is.AnyOf("read", "write"), name);
            Assert.That(call.GetProperty("outcome").GetString(), op == "read" ? Is.AnyOf("hit", "miss", "bypass") : Is.AnyOf("invalidated", "not-invalidated"), name);
            Assert.That(call.GetProperty("key").GetString(), Does.StartWith("cacheaside:demo:").And.Contain(":{product:").And.EndsWith("}"), name);
            Assert.That(call.GetProperty("elapsedMs").GetDouble(), Is.GreaterThanOrEqualTo(0), name);
            Assert.That(call.GetProperty("stale").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False), name);
        }

        var summary = scenario.GetProperty("summary");
        Assert.That(Names(summary), Is.EqualTo(s_summaryFields), name);
        var reads = summary.GetProperty("reads").GetInt32();
        Assert.That(reads, Is.EqualTo(calls.Count(c => c.GetProperty("op").GetString() == "read")), name);
        Assert.That(summary.GetProperty("hits").GetInt32() + summary.GetProperty("misses").GetInt32() + summary.GetProperty("bypasses").GetInt32(), Is.EqualTo(reads), name);
        Assert.That(summary.GetProperty("hitRate").GetDouble(), Is.InRange(0, 1), name);
        Assert.That(summary.GetProperty("p95Ms").ValueKind, Is.EqualTo(JsonValueKind.Number), name);
        Assert.That(summary.GetProperty("avgHitMs").ValueKind, Is.AnyOf(JsonValueKind.Number, JsonValueKind.Null), name);
        Assert.That(summary.GetProperty("avgMissMs").ValueKind, Is.AnyOf(JsonValueKind.Number, JsonValueKind.Null), name);
    }

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static Dictionary<string, double> Facts(JsonElement scenario) =>
        scenario.EnumerateObject()
            .Where(p => p.Name is not ("name" or "calls" or "summary"))
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
}
