using System.Text.RegularExpressions;
using System.Xml.Linq;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Documentation;

/// <summary>
/// The README's hosting section shows what users copy, so every code block in it must be what a tested file
/// holds: each block is marked <c>&lt;!-- tested: path --&gt;</c>, and its lines appear in that file, in order
/// (the file may have more between them; a <c>// ...</c> line in the README stands for lines left out).
/// </summary>
public sealed partial class ReadmeTests
{
    private const string Section = "## Use it in ASP.NET Core / the generic host";

    [Test]
    public void HostingSection_EveryCodeBlock_IsInTheTestedFileItNames()
    {
        var blocks = Blocks();

        Assert.That(blocks.Select(b => b.Path), Is.SupersetOf(new[]
        {
            "CacheAside.Tests/Packaging/Consumer/Consumer.csproj",
            "samples/CacheAside.Samples.ProductApi/appsettings.json",
            "samples/CacheAside.Samples.ProductApi/Program.cs",
            "CacheAside.Tests/Packaging/Consumer/Program.cs",
        }));
        Assert.Multiple(() =>
        {
            foreach (var (path, lines) in blocks)
            {
                Assert.That(path, Is.Not.Null, $"a code block of the section has no <!-- tested: path --> marker: {string.Join(" / ", lines)}");
                var file = Normalized(File.ReadAllLines(RepositoryRoot.File(path!.Split('/'))));
                Assert.That(MissingLine(Normalized(lines), file), Is.Null, $"the README's block from {path} differs from the file at this line");
            }
        });
    }

    [Test]
    public void HostingSection_PackageReferences_NameTheVersionsTheRepositoryBuilds()
    {
        var references = Blocks().Single(b => b.Path == "CacheAside.Tests/Packaging/Consumer/Consumer.csproj").Lines;
        var version = XDocument.Load(RepositoryRoot.File("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
        var central = XDocument.Load(RepositoryRoot.File("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);

        Assert.That(references, Does.Contain($"<PackageReference Include=\"CacheAside.Interception\" Version=\"{version}\" />"));
        Assert.That(references, Does.Contain($"<PackageReference Include=\"Autofac.Extensions.DependencyInjection\" Version=\"{central["Autofac.Extensions.DependencyInjection"]}\" />"));
    }

    /// <summary>The section's fenced code blocks, each with the path its marker names (<see langword="null"/> without one).</summary>
    private static List<(string? Path, string[] Lines)> Blocks()
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Section + "\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"the README has no section \"{Section}\"");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];

        return CodeBlock().Matches(section)
            .Select(m => (m.Groups["path"].Success ? m.Groups["path"].Value : null, m.Groups["code"].Value.TrimEnd('\n').Split('\n')))
            .ToList();
    }

    private static List<string> Normalized(IEnumerable<string> lines) => lines
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && l != "// ...")
        .ToList();

    /// <summary>The first of <paramref name="expected"/>'s lines that does not follow the previous ones in <paramref name="file"/>.</summary>
    private static string? MissingLine(List<string> expected, List<string> file)
    {
        var at = 0;
        foreach (var line in expected)
        {
            var found = file.FindIndex(at, l => Versionless(l) == Versionless(line));
            if (found < 0)
            {
                return line;
            }

            at = found + 1;
        }

        return null;
    }

    /// <summary>A line without its <c>Version="..."</c>: the README names versions, the tested project takes them as properties (checked apart).</summary>
    private static string Versionless(string line) => VersionAttribute().Replace(line, string.Empty);

    [GeneratedRegex(@"(?:<!-- tested: (?<path>[^ ]+) -->\n)?```[a-z]*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@" Version=""[^""]*""")]
    private static partial Regex VersionAttribute();
}
