using System.Text;
using System.Text.Json;
using CacheAside.Demo.Scenarios;

namespace CacheAside.Demo.Output;

/// <summary>
/// Writes a <see cref="DemoReport"/> as one JSON document:
/// <c>{ "redis", "sourceLatencyMs", "scenarios": [ { "name", "calls": [...], "summary": {...}, facts... } ] }</c>.
/// </summary>
public static class JsonReport
{
    /// <summary>Renders <paramref name="report"/> as an indented JSON document.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The document.</returns>
    public static string Render(DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("redis", report.Redis);
            json.WriteNumber("sourceLatencyMs", report.SourceLatencyMs);
            json.WriteStartArray("scenarios");
            foreach (var scenario in report.Scenarios)
            {
                WriteScenario(json, scenario);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteScenario(Utf8JsonWriter json, ScenarioResult scenario)
    {
        json.WriteStartObject();
        json.WriteString("name", scenario.Name);
        json.WriteStartArray("calls");
        foreach (var call in scenario.Calls)
        {
            json.WriteStartObject();
            json.WriteNumber("index", call.Index);
            json.WriteString("op", call.Kind.Text());
            json.WriteString("key", call.Key);
            json.WriteString("outcome", call.Outcome.Text());
            json.WriteNumber("elapsedMs", Math.Round(call.ElapsedMs, 2));
            json.WriteBoolean("stale", call.Stale);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        var summary = scenario.Summary;
        json.WriteStartObject("summary");
        json.WriteNumber("reads", summary.Reads);
        json.WriteNumber("hits", summary.Hits);
        json.WriteNumber("misses", summary.Misses);
        json.WriteNumber("bypasses", summary.Bypasses);
        json.WriteNumber("hitRate", Math.Round(summary.HitRate, 4));
        WriteMs(json, "avgHitMs", summary.AvgHitMs);
        WriteMs(json, "avgMissMs", summary.AvgMissMs);
        WriteMs(json, "p95Ms", summary.P95Ms);
        WriteMs(json, "totalMs", summary.TotalMs);
        json.WriteEndObject();

        foreach (var fact in scenario.Facts)
        {
            json.WriteNumber(fact.Name, Math.Round(fact.Value, 4));
        }

        json.WriteEndObject();
    }

    private static void WriteMs(Utf8JsonWriter json, string name, double? ms)
    {
        if (ms is { } value)
        {
            json.WriteNumber(name, Math.Round(value, 2));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
