using Microsoft.Extensions.Hosting;

namespace CacheAside.Tests.Infrastructure;

/// <summary>
/// Settings of a generic host as the tests build it: the host's defaults (configuration from appsettings.json
/// and the environment, logging), but with an empty content root of its own. The default content root is the
/// test binaries' folder, where the project reference to the sample API copies its appsettings.json; its
/// logging levels and CacheAside section must not reach the test's host.
/// </summary>
public static class TestHostSettings
{
    private static readonly Lazy<string> s_contentRoot = new(() => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "empty-content-root")).FullName);

    public static HostApplicationBuilderSettings Create() => new()
    {
        EnvironmentName = "Test",
        ContentRootPath = s_contentRoot.Value,
        Args = [],
    };
}
