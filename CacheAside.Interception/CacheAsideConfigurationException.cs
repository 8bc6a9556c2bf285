namespace CacheAside.Interception;

/// <summary>
/// Thrown when the container is built and the cache attributes, the registrations or the options have
/// mistakes. The message lists every problem, each naming the method (<c>IProductRepository.GetById(int)</c>)
/// or the option, and saying what to change.
/// </summary>
public sealed class CacheAsideConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception for one or more problems.</summary>
    /// <param name="problems">The problems, one sentence each.</param>
    public CacheAsideConfigurationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with a single problem.</summary>
    /// <param name="message">The problem.</param>
    public CacheAsideConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a single problem and its cause.</summary>
    /// <param name="message">The problem.</param>
    /// <param name="innerException">The cause.</param>
    public CacheAsideConfigurationException(string message, Exception innerException)
        : base(Format([message]), innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with no problem listed.</summary>
    public CacheAsideConfigurationException()
        : this([])
    {
    }

    /// <summary>Gets the problems, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; } = [];

    private static string Format(IReadOnlyList<string> problems) => problems.Count switch
    {
        0 => "CacheAside is not configured correctly.",
        1 => "CacheAside is not configured correctly: " + problems[0],
        _ => $"CacheAside found {problems.Count} configuration problems:{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)),
    };
}
