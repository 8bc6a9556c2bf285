using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CacheAside.Benchmarks;

/// <summary>A private redis-server on a free loopback port that the measurement can kill, pause and resume.</summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly int _port;
    private Process? _process;

    private RedisProcess(int port)
    {
        _port = port;
    }

    public string Endpoint => $"127.0.0.1:{_port}";

    public static RedisProcess Start()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var redis = new RedisProcess(((IPEndPoint)listener.LocalEndpoint).Port);
        listener.Stop();
        redis.Restart();
        return redis;
    }

    public void Restart()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--port", _port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start: is it installed (apt-get install -y redis-server)?");
        _process.BeginOutputReadLine();
        var waited = Stopwatch.StartNew();
        while (!Answers())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"redis-server on port {_port} did not start within 10 s.");
            }

            Thread.Sleep(20);
        }
    }

    public void Kill()
    {
        _process?.Kill();
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: connections stay open, nothing answers.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT.</summary>
    public void Resume() => Signal("-CONT");

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Resume();
        }

        Kill();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, _port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
