using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CacheAside.Demo.Hosting;

/// <summary>
/// A <c>redis-server</c> process the demo starts for its own run, on a free loopback port, with nothing
/// saved to disk; stopped and cleaned up when disposed.
/// </summary>
public sealed class PrivateRedisServer : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _directory;

    private PrivateRedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>Gets the loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string of the server.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Finds <c>redis-server</c> on the PATH (or in <c>/usr/bin</c>, <c>/usr/sbin</c>).</summary>
    /// <returns>The binary's path, or <see langword="null"/> when it is not installed.</returns>
    public static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts <paramref name="binary"/> on a free loopback port and waits until it answers PING.</summary>
    /// <param name="binary">The <c>redis-server</c> binary.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="InvalidOperationException">The server exited or did not answer in time.</exception>
    public static async Task<PrivateRedisServer> StartAsync(string binary, CancellationToken cancellationToken = default)
    {
        var port = FreeLoopbackPort();
        var directory = Directory.CreateTempSubdirectory("cacheaside-demo-redis-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start.");
        // Drained so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrivateRedisServer(process, directory, port);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty temporary folder is not worth failing the demo for.
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < s_startTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode}.");
            }

            if (await AnswersPingAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new InvalidOperationException($"redis-server on 127.0.0.1:{Port} did not answer PING within {s_startTimeout.TotalSeconds:0} s.");
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var reply = new byte[5];
            var read = await stream.ReadAsync(reply, cancellationToken);
            return read == 5 && reply.AsSpan().SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
