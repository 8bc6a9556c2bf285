namespace CacheAside.Tests.Infrastructure;

/// <summary>The checkout the tests were built from: the folder that holds <c>CacheAside.sln</c>, above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "CacheAside.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CacheAside.sln above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
    }
}
