using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> process on a free loopback port, owned by the tests: they can stop,
/// restart, pause and resume it to inject faults. Nothing about Redis is simulated.
/// </summary>
public sealed partial class RedisServer : IDisposable
{
    public const string InstallHint =
        "redis-server was not found on PATH. The tests start their own Redis server and need the binary: " +
        "install it with 'sudo apt-get install -y redis-server' (Debian/Ubuntu) or 'brew install redis' (macOS), " +
        "or run 'bash scripts/test.sh', which installs it when missing.";

    private readonly string _binary;
    private readonly string _directory;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(string binary, int port, string[] extraArguments)
    {
        _binary = binary;
        Port = port;
        _extraArguments = extraArguments;
        _directory = Directory.CreateTempSubdirectory("cacheaside-redis-").FullName;
    }

    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string for this server.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free loopback port and waits until it answers PING.</summary>
    /// <param name="extraArguments">More <c>redis-server</c> arguments, such as <c>--requirepass</c>.</param>
    public static RedisServer Start(params string[] extraArguments)
    {
        var server = Create(extraArguments);
        server.Restart();
        return server;
    }

    /// <summary>Starts a cluster node: a port whose cluster bus port (the port + 10000) is free too.</summary>
    public static RedisServer StartClusterNode(params string[] extraArguments)
    {
        var server = new RedisServer(FindBinary() ?? throw new InvalidOperationException(InstallHint), FreeClusterPort(), extraArguments);
        server.Restart();
        return server;
    }

    /// <summary>Reserves a port for a server without starting it: a Redis that is down.</summary>
    public static RedisServer Create(params string[] extraArguments) =>
        new(FindBinary() ?? throw new InvalidOperationException(InstallHint), FreePort(), extraArguments);

    /// <summary>Starts the server (again) on the same port, empty, and waits until it answers PING.</summary>
    public void Restart()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The server is already running.");
        }

        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory, "--daemonize", "no" }.Concat(_extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"redis-server exited at start with code {_process.ExitCode}:{Environment.NewLine}{output}");
                }
            }

            if (AnswersPing())
            {
                return;
            }

            Thread.Sleep(20);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 10 s.");
    }

    /// <summary>Kills the server at once (SIGKILL): connections drop, data is lost.</summary>
    public void Kill()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open, nothing answers.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public void Resume() => Signal(SigCont);

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            Resume();
        }

        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private const int SigCont = 18;
    private const int SigStop = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    private void Signal(int signal)
    {
        if (_process is null || _process.HasExited)
        {
            throw new InvalidOperationException("The server is not running.");
        }

        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private bool AnswersPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = stream.Read(buffer);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
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

    private static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Append("/usr/bin")
            .Select(d => Path.Combine(d, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>A loopback port below 55536 that is free, with the port 10000 above it free too.</summary>
    private static int FreeClusterPort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20000, 45000);
            if (IsFree(port) && IsFree(port + 10000))
            {
                return port;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A loopback port nothing listens on.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
