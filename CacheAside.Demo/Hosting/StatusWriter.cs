using Spectre.Console;

namespace CacheAside.Demo.Hosting;

/// <summary>
/// What the demo says about itself (which Redis it uses, warnings), always on standard error, so standard
/// output carries only the report: with <c>--json</c>, only the JSON document.
/// </summary>
public sealed class StatusWriter
{
    private readonly TextWriter _error;
    private readonly IAnsiConsole? _console;

    /// <summary>Creates a writer on <paramref name="error"/>.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="plain">Whether to write plain lines (for <c>--json</c>) rather than panels.</param>
    public StatusWriter(TextWriter error, bool plain)
    {
        _error = error;
        if (!plain)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        }
    }

    /// <summary>Says something worth knowing.</summary>
    /// <param name="message">The message.</param>
    public void Info(string message)
    {
        if (_console is null)
        {
            _error.WriteLine($"cacheaside-demo: {message}");
        }
        else
        {
            _console.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
        }
    }

    /// <summary>Says something the reader must not miss.</summary>
    /// <param name="title">A few words.</param>
    /// <param name="message">The explanation.</param>
    public void Warn(string title, string message)
    {
        if (_console is null)
        {
            _error.WriteLine($"cacheaside-demo: WARNING: {title}. {message}");
        }
        else
        {
            _console.Write(new Panel(new Markup($"[yellow]{Markup.Escape(message)}[/]"))
                .Header($"[bold yellow] WARNING: {Markup.Escape(title)} [/]")
                .BorderColor(Color.Yellow)
                .Expand());
        }
    }
}
