using System.Diagnostics;

namespace CacheAside.Tests.Demo;

/// <summary>Runs the built demo as its own process, the way a user runs it, and captures what it printed.</summary>
public sealed record DemoProcess(int ExitCode, string Output, string Error)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <c>CacheAside.Demo.dll</c> (copied beside the tests by the project reference) with <paramref name="args"/>.</summary>
    public static async Task<DemoProcess> RunAsync(params string[] args)
    {
        var demo = Path.Combine(AppContext.BaseDirectory, "CacheAside.Demo.dll");
        Assert.That(File.Exists(demo), Is.True, $"the demo was not built beside the tests: {demo}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(demo);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        // The test run's own Redis settings must not leak into a demo told where Redis is.
        start.Environment.Remove("CACHEASIDE_REDIS");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The demo did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The demo did not finish within {s_timeout}: {string.Join(' ', args)}");
        }

        return new DemoProcess(process.ExitCode, await output, await error);
    }
}
