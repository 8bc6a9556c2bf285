using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Packaging;

/// <summary>
/// The NuGet package as a user gets it: packed from this checkout, pushed to a folder feed, restored by a
/// separate application outside the repository, built and run against a real Redis. Also what the package
/// carries: its metadata, the README, XML docs, a symbols package whose PDB maps sources to the repository.
/// </summary>
[NonParallelizable]
public sealed class PackageTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly XNamespace s_nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(4);

    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;
    private string _package = null!;

    [OneTimeSetUp]
    public async Task Pack()
    {
        _work = Directory.CreateTempSubdirectory("cacheaside-package-").FullName;
        _feed = Path.Combine(_work, "feed");
        _version = XDocument.Load(RepositoryRoot.File("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

        // The library was built with the tests; packing it again from that build is what `dotnet pack` does.
        var (exit, output) = await DotnetCli.RunAsync(RepositoryRoot.Path, null, s_commandTimeout,
            "pack", RepositoryRoot.File("CacheAside.Interception", "CacheAside.Interception.csproj"), "-c", Configuration, "--no-build", "-o", _feed, "-nodeReuse:false");

        Assert.That(exit, Is.Zero, output);
        _package = Path.Combine(_feed, $"CacheAside.Interception.{_version}.nupkg");
        Assert.That(File.Exists(_package), Is.True, $"dotnet pack made no {Path.GetFileName(_package)}:{Environment.NewLine}{output}");
    }

    [OneTimeTearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    [Test]
    public void Package_HasItsMetadata_AndNoBuildOnlyDependency()
    {
        using var package = ZipFile.OpenRead(_package);
        var metadata = Nuspec(package).Root!.Element(s_nuspec + "metadata")!;
        var dependencies = metadata.Descendants(s_nuspec + "dependency").Select(d => (string)d.Attribute("id")!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That((string?)metadata.Element(s_nuspec + "id"), Is.EqualTo("CacheAside.Interception"));
            Assert.That((string?)metadata.Element(s_nuspec + "version"), Is.EqualTo(_version));
            Assert.That((string?)metadata.Element(s_nuspec + "description"), Does.StartWith("Cache-aside for repository interfaces"));
            Assert.That((string?)metadata.Element(s_nuspec + "tags"), Does.Contain("redis").And.Contain("autofac").And.Contain("cache-aside"));
            Assert.That(metadata.Element(s_nuspec + "license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That((string?)metadata.Element(s_nuspec + "license"), Is.EqualTo("MIT"));
            Assert.That((string?)metadata.Element(s_nuspec + "readme"), Is.EqualTo("README.md"));
            Assert.That(metadata.Element(s_nuspec + "repository")?.Attribute("url")?.Value, Is.EqualTo("https://github.com/example/cacheaside"));
            Assert.That(dependencies, Is.SupersetOf(new[] { "Autofac", "Castle.Core", "StackExchange.Redis", "Microsoft.Extensions.Configuration.Binder", "Microsoft.Extensions.Diagnostics.HealthChecks" }));
            Assert.That(dependencies, Has.None.StartsWith("Microsoft.SourceLink").And.None.EqualTo("DotNet.ReproducibleBuilds").And.None.EqualTo("Microsoft.CodeAnalysis.PublicApiAnalyzers"));
        });
    }

    [Test]
    public void Package_CarriesTheAssembly_ItsXmlDocs_AndTheReadme()
    {
        using var package = ZipFile.OpenRead(_package);
        var files = package.Entries.Select(e => e.FullName).ToList();

        Assert.That(files, Is.SupersetOf(new[] { "README.md", "lib/net10.0/CacheAside.Interception.dll", "lib/net10.0/CacheAside.Interception.xml" }));
        Assert.That(Read(package, "README.md"), Is.EqualTo(File.ReadAllText(RepositoryRoot.File("README.md"))));
        Assert.That(Read(package, "lib/net10.0/CacheAside.Interception.xml"), Does.Contain("M:CacheAside.Interception.RegistrationExtensions.RegisterCacheAside(Autofac.ContainerBuilder,Microsoft.Extensions.Configuration.IConfiguration)"));
    }

    [Test]
    public void SymbolsPackage_HasThePdb_WithSourceLinkToTheRepository_AndTheAssemblyIsDeterministic()
    {
        using var symbols = ZipFile.OpenRead(Path.ChangeExtension(_package, ".snupkg"));
        using var package = ZipFile.OpenRead(_package);
        using var pdbStream = Copy(symbols.GetEntry("lib/net10.0/CacheAside.Interception.pdb") ?? throw new AssertionException("the symbols package has no PDB"));
        using var dllStream = Copy(package.GetEntry("lib/net10.0/CacheAside.Interception.dll")!);

        using var pdb = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        var reader = pdb.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == sourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        using var pe = new PEReader(dllStream);
        var debugDirectory = pe.ReadDebugDirectory();

        Assert.That(sourceLink, Does.Contain("https://raw.githubusercontent.com/example/cacheaside/"), "SourceLink maps the sources to the declared repository");
        Assert.That(debugDirectory.Select(d => d.Type), Does.Contain(DebugDirectoryEntryType.Reproducible), "the assembly was built deterministically");
        Assert.That(debugDirectory.Select(d => d.Type), Does.Contain(DebugDirectoryEntryType.CodeView), "the assembly points to its PDB");
    }

    [Test]
    public async Task ConsumerApplication_RestoresThePackageFromAFolderFeed_BuildsAndRuns()
    {
        using var redis = RedisServer.Start();
        var consumer = Path.Combine(_work, "consumer");
        CopyDirectory(Path.Combine(RepositoryRoot.Path, "CacheAside.Tests", "Packaging", "Consumer"), consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="cacheaside-local" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        var packages = Path.Combine(_work, "packages");
        var versions = XDocument.Load(RepositoryRoot.File("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);

        // A packages folder of its own, as on a machine that never saw the package; the user's global folder
        // serves the other packages read-only, so they need not be downloaded again.
        var (built, buildOutput) = await DotnetCli.RunAsync(consumer, null, s_commandTimeout,
            "build", "-c", "Release", "-nodeReuse:false", "--disable-build-servers",
            $"-p:CacheAsideVersion={_version}",
            $"-p:AutofacExtensionsVersion={versions["Autofac.Extensions.DependencyInjection"]}",
            $"-p:HostingVersion={versions["Microsoft.Extensions.Hosting"]}",
            $"-p:RestorePackagesPath={packages}",
            $"-p:RestoreFallbackFolders={GlobalPackagesFolder()}");
        Assert.That(built, Is.Zero, buildOutput);

        var restored = Path.Combine(packages, "cacheaside.interception", _version, $"cacheaside.interception.{_version}.nupkg.sha512");
        Assert.That(File.Exists(restored), Is.True, $"CacheAside.Interception {_version} was not restored from the folder feed; a copy in the global packages folder ({GlobalPackagesFolder()}) may have served it: delete that copy.");
        Assert.That(File.ReadAllText(restored), Is.EqualTo(Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(_package)))), "the restored package is the one just packed");

        var environment = new Dictionary<string, string>
        {
            ["CacheAside__RedisConfiguration"] = redis.Endpoint,
            // A fresh process's first commands (JIT, the first script load) may outlast the default 50 ms on a
            // loaded machine, which would be a bypass, by design: this test is about the package working.
            ["CacheAside__RedisTimeout"] = "00:00:01",
        };
        var (ran, runOutput) = await DotnetCli.RunAsync(consumer, environment, s_commandTimeout, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));

        Assert.That(ran, Is.Zero, runOutput);
        Assert.That(Lines(runOutput), Is.EqualTo(new[]
        {
            "IQuoteService.GetQuoteAsync(string): Miss",
            "IQuoteService.GetQuoteAsync(string): Hit",
            "same quote: True",
            "health: Healthy",
        }));
    }

    private static XDocument Nuspec(ZipArchive package) =>
        XDocument.Parse(Read(package, package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).FullName));

    private static string Read(ZipArchive package, string path)
    {
        using var reader = new StreamReader(package.GetEntry(path)!.Open());
        return reader.ReadToEnd();
    }

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
