using System.Globalization;
using CacheAside.Demo.Scenarios;
using Spectre.Console;

namespace CacheAside.Demo.Output;

/// <summary>
/// The report for people: per scenario a table with a row per call (or, for long workloads, an outcome strip,
/// a latency chart and the hottest keys), its summary, and what it shows; then one line per scenario.
/// </summary>
public sealed class ConsoleReport
{
    /// <summary>Workloads with more calls than this are drawn rather than listed call by call.</summary>
    public const int MaxListedCalls = 40;

    private const int StripWidth = 50;

    private static readonly (double UpToMs, string Label)[] s_latencyBuckets =
    [
        (0.5, "< 0.5 ms"), (1, "0.5-1 ms"), (2, "1-2 ms"), (5, "2-5 ms"), (10, "5-10 ms"), (20, "10-20 ms"),
        (50, "20-50 ms"), (100, "50-100 ms"), (200, "100-200 ms"), (500, "200-500 ms"), (double.PositiveInfinity, ">= 500 ms"),
    ];

    private readonly IAnsiConsole _console;

    /// <summary>Creates a report written to <paramref name="output"/>.</summary>
    /// <param name="output">Standard output, or any writer.</param>
    /// <param name="width">The width to lay out for; <see langword="null"/> for the terminal's (80 columns when there is none).</param>
    public ConsoleReport(TextWriter output, int? width = null)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (width is { } columns)
        {
            _console.Profile.Width = columns;
        }
    }

    /// <summary>Writes what the run is about to do.</summary>
    /// <param name="redis">The Redis configuration, without password.</param>
    /// <param name="sourceLatencyMs">The simulated database round trip.</param>
    /// <param name="connected">Whether Redis answered.</param>
    public void WriteIntro(string redis, double sourceLatencyMs, bool connected)
    {
        _console.Write(new FigletText("CacheAside").Color(Color.Teal));
        _console.MarkupLine(Invariant($"Cache-aside in front of [bold]IProductRepository[/] (SQLite, [bold]{sourceLatencyMs:0.###} ms[/] simulated network round trip), Redis at [bold]{Markup.Escape(redis)}[/]{(connected ? string.Empty : " [yellow](not answering: every read bypasses the cache)[/]")}."));
        _console.MarkupLine("Every call below is a plain call on the repository interface; the cache decides hit, miss or bypass. Each scenario starts from a cold cache and a freshly seeded database, after one unrecorded warm-up read.");
        _console.WriteLine();
    }

    /// <summary>Writes a scenario's heading before it runs.</summary>
    /// <param name="scenario">The scenario.</param>
    public void WriteStart(IScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _console.Write(new Rule($"[bold]{Markup.Escape(scenario.Name)}[/]: {Markup.Escape(scenario.Title)}").LeftJustified().RuleStyle("teal"));
        _console.MarkupLine($"[grey]{Markup.Escape(scenario.Shows)}[/]");
    }

    /// <summary>Writes a scenario's calls, summary and conclusions.</summary>
    /// <param name="result">The scenario's result.</param>
    public void WriteResult(ScenarioResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Calls.Count <= MaxListedCalls)
        {
            _console.Write(CallTable(result.Calls));
        }
        else
        {
            WriteStrip(result.Calls);
            _console.Write(LatencyChart(result.Calls));
            _console.WriteLine();
            _console.Write(HotKeys(result.Calls));
        }

        if (result.Facts.Any(f => f.Name == "tunedHitRate"))
        {
            _console.Write(HitRateChart(result));
            _console.WriteLine();
        }

        _console.Write(SummaryTable([result]));
        if (result.Facts.Count > 0)
        {
            _console.MarkupLine($"[grey]{Markup.Escape(string.Join("  ·  ", result.Facts.Select(f => $"{f.Label}: {f.Display}")))}[/]");
        }

        foreach (var conclusion in result.Conclusions)
        {
            _console.MarkupLine($"[bold]>[/] {Markup.Escape(conclusion)}");
        }

        _console.WriteLine();
    }

    /// <summary>Writes one line per scenario.</summary>
    /// <param name="report">The whole run.</param>
    public void WriteTotals(DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _console.Write(new Rule("[bold]Summary[/]").LeftJustified().RuleStyle("teal"));
        _console.Write(SummaryTable(report.Scenarios));
    }

    private static Table CallTable(IReadOnlyList<CallRecord> calls)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn(new TableColumn("at").RightAligned())
            .AddColumn("call")
            .AddColumn("key")
            .AddColumn("outcome")
            .AddColumn(new TableColumn("latency").RightAligned())
            .AddColumn(new TableColumn("price").RightAligned())
            .AddColumn("stale");
        if (calls.Any(c => c.Kind == CallKind.Write))
        {
            table.Caption("[grey]read = GetByIdAsync, write = ChangePriceAsync (both through the interface); SQL write = an UPDATE straight to the database[/]");
        }

        foreach (var call in calls)
        {
            var op = call.Kind == CallKind.Read ? "read" : call.BypassedInterface ? "[magenta]SQL write[/]" : "write";
            var value = call.Value is { } product ? Invariant($"{Show.Price(product.Price)} v{product.Version}") : "-";
            table.AddRow(
                call.Index.ToString(CultureInfo.InvariantCulture),
                Invariant($"{call.StartedAtMs / 1000:0.00}s"),
                op,
                Markup.Escape(ShortKey(call.Key)),
                Outcome(call.Outcome),
                Show.Ms(call.ElapsedMs),
                value,
                call.Stale ? "[bold red]STALE[/]" : string.Empty);
        }

        return table;
    }

    private void WriteStrip(IReadOnlyList<CallRecord> calls)
    {
        _console.MarkupLine($"Each read in order: {Glyph(CallOutcome.Hit)} hit  {Glyph(CallOutcome.Miss)} miss  {Glyph(CallOutcome.Bypass)} bypass");
        for (var start = 0; start < calls.Count; start += StripWidth)
        {
            var row = calls.Skip(start).Take(StripWidth).ToList();
            var label = Invariant($"{start + 1,5}-{start + row.Count,-5}");
            _console.MarkupLine($"[grey]{label}[/] {string.Concat(row.Select(c => Glyph(c.Outcome)))}");
        }

        _console.WriteLine();
    }

    private static BarChart LatencyChart(IReadOnlyList<CallRecord> calls)
    {
        var reads = calls.Where(c => c.Kind == CallKind.Read).ToList();
        var buckets = s_latencyBuckets
            .Select((bucket, i) => (bucket.Label, Calls: reads.Where(c => c.ElapsedMs < bucket.UpToMs && (i == 0 || c.ElapsedMs >= s_latencyBuckets[i - 1].UpToMs)).ToList()))
            .ToList();
        var first = buckets.FindIndex(b => b.Calls.Count > 0);
        var last = buckets.FindLastIndex(b => b.Calls.Count > 0);
        var chart = new BarChart().Width(70).Label("[bold]Read latency[/] (number of reads; green mostly hits, red mostly misses, yellow mostly bypasses)");
        for (var i = Math.Max(first, 0); i <= last; i++)
        {
            var inBucket = buckets[i].Calls;
            var hits = inBucket.Count(c => c.Outcome == CallOutcome.Hit);
            var bypasses = inBucket.Count(c => c.Outcome == CallOutcome.Bypass);
            var colour = hits * 2 > inBucket.Count ? Color.Green : bypasses * 2 > inBucket.Count ? Color.Yellow : Color.Red;
            chart.AddItem(buckets[i].Label, inBucket.Count, colour);
        }

        return chart;
    }

    private static Table HotKeys(IReadOnlyList<CallRecord> calls)
    {
        var reads = calls.Where(c => c.Kind == CallKind.Read).ToList();
        var table = new Table().Border(TableBorder.Simple).Title("Hottest products")
            .AddColumn("key")
            .AddColumn(new TableColumn("reads").RightAligned())
            .AddColumn(new TableColumn("share").RightAligned())
            .AddColumn(new TableColumn("hits").RightAligned())
            .AddColumn(new TableColumn("misses").RightAligned());
        foreach (var key in reads.GroupBy(c => c.Key).OrderByDescending(g => g.Count()).ThenBy(g => g.First().Index).Take(8))
        {
            table.AddRow(
                Markup.Escape(ShortKey(key.Key)),
                key.Count().ToString(CultureInfo.InvariantCulture),
                Show.Percent((double)key.Count() / reads.Count),
                key.Count(c => c.Outcome == CallOutcome.Hit).ToString(CultureInfo.InvariantCulture),
                key.Count(c => c.Outcome != CallOutcome.Hit).ToString(CultureInfo.InvariantCulture));
        }

        var distinct = reads.Select(c => c.Key).Distinct().Count();
        table.Caption(Invariant($"{distinct} distinct products in {reads.Count} reads"));
        return table;
    }

    private static BarChart HitRateChart(ScenarioResult result) =>
        new BarChart().Width(70).Label("[bold]Hit rate[/] (%) on the same reads")
            .AddItem(Invariant($"TTL {result.Facts.First(f => f.Name == "tunedTtlMs").Display}"), Math.Round(result.Fact("tunedHitRate") * 100), Color.Green)
            .AddItem(Invariant($"TTL {result.Facts.First(f => f.Name == "ttlMs").Display}"), Math.Round(result.Summary.HitRate * 100), Color.Red)
            .AddItem("cold-start ceiling", Math.Round(result.Fact("theoreticalHitRate") * 100), Color.Grey);

    private static Table SummaryTable(IEnumerable<ScenarioResult> results)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("scenario")
            .AddColumn(new TableColumn("reads").RightAligned())
            .AddColumn(new TableColumn("hit").RightAligned())
            .AddColumn(new TableColumn("miss").RightAligned())
            .AddColumn(new TableColumn("bypass").RightAligned())
            .AddColumn(new TableColumn("hit rate").RightAligned())
            .AddColumn(new TableColumn("avg hit").RightAligned())
            .AddColumn(new TableColumn("avg miss").RightAligned())
            .AddColumn(new TableColumn("p95").RightAligned())
            .AddColumn(new TableColumn("total").RightAligned())
            .AddColumn(new TableColumn("stale").RightAligned());
        foreach (var result in results)
        {
            var s = result.Summary;
            table.AddRow(
                Markup.Escape(result.Name),
                s.Reads.ToString(CultureInfo.InvariantCulture),
                $"[green]{s.Hits.ToString(CultureInfo.InvariantCulture)}[/]",
                $"[red]{s.Misses.ToString(CultureInfo.InvariantCulture)}[/]",
                s.Bypasses == 0 ? "0" : $"[yellow]{s.Bypasses.ToString(CultureInfo.InvariantCulture)}[/]",
                Show.Percent(s.HitRate),
                Show.Ms(s.AvgHitMs),
                Show.Ms(s.AvgMissMs),
                Show.Ms(s.P95Ms),
                Show.Ms(s.TotalMs),
                s.StaleReads == 0 ? "0" : $"[bold red]{s.StaleReads.ToString(CultureInfo.InvariantCulture)}[/]");
        }

        return table;
    }

    private static string Outcome(CallOutcome outcome) => $"[{Colour(outcome)}]{outcome.Text()}[/]";

    private static string Glyph(CallOutcome outcome) => $"[{Colour(outcome)}]{outcome switch { CallOutcome.Hit => "●", CallOutcome.Miss => "○", _ => "×" }}[/]";

    private static string Colour(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Hit => "green",
        CallOutcome.Miss => "red",
        CallOutcome.Bypass => "yellow",
        CallOutcome.Invalidated => "blue",
        _ => "magenta",
    };

    private static string ShortKey(string key)
    {
        var at = key.LastIndexOf("{product:", StringComparison.Ordinal);
        return at < 0 || !key.EndsWith('}') ? key : key[(at + 1)..^1];
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
