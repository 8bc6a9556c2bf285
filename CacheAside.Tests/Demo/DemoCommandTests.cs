using System.Text.RegularExpressions;
using CacheAside.Demo.Hosting;

namespace CacheAside.Tests.Demo;

/// <summary>The demo's command line, run in this process: bad options, and the report for people.</summary>
public sealed class DemoCommandTests
{
    [TestCase(new[] { "nope" }, "'nope' is not a scenario")]
    [TestCase(new[] { "--calls", "0" }, "--calls must be a whole number from 1 to 100000")]
    [TestCase(new[] { "--keys", "many" }, "--keys must be a whole number")]
    [TestCase(new[] { "--skew", "-1" }, "--skew must be a number greater than 0")]
    [TestCase(new[] { "--source-latency-ms", "-5" }, "--source-latency-ms must be a whole number from 0 to 10000")]
    [TestCase(new[] { "--seed", "1.5" }, "--seed must be a whole number")]
    [TestCase(new[] { "--redis", ",,," }, "--redis: ',,,' names no endpoint")]
    [TestCase(new[] { "--redis", "localhost:1,colour=blue" }, "is not a StackExchange.Redis configuration string")]
    [TestCase(new[] { "--fast" }, "'--fast' is not an option")]
    [TestCase(new[] { "ttl", "zipf" }, "Unrecognized command or argument 'zipf'")]
    public async Task RunAsync_BadCommandLine_ExitsWithTwoAndSaysWhatIsWrong(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(args, output, error);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain(message).And.Contain("--help"));
        Assert.That(output.ToString(), Is.Empty);
    }

    [Test]
    public async Task RunAsync_Help_ListsTheScenariosAndExitsWithZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(["--help"], output, error);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("ten-calls, ttl, invalidation, ttl-too-short, ttl-too-long, zipf, all").And.Contain("--source-latency-ms"));
    }

    [Test]
    public async Task RunAsync_AllScenariosForPeople_DrawsEveryScenarioAndTheSummary()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(["all", "--redis", SharedRedis.Server.Endpoint, "--source-latency-ms", "5", "--calls", "60"], output, error);

        // Spectre.Console may colour a writer it cannot probe; compare the text without the colour codes.
        var text = Regex.Replace(output.ToString(), "\u001b\\[[0-9;]*m", string.Empty);
        Assert.That(exitCode, Is.EqualTo(0), error.ToString());
        Assert.That(text, Does.Contain("ten-calls: Ten reads of one key").And.Contain("zipf: Zipf workload").And.Contain("Summary"));
        Assert.That(text, Does.Contain("STALE"), "ttl-too-long marks its stale reads");
        Assert.That(text, Does.Contain("Read latency").And.Contain("Hottest products"), "the Zipf runs are drawn");
        Assert.That(error.ToString(), Does.Contain($"Using Redis at {SharedRedis.Server.Endpoint}"));
    }
}
