using System.Collections.Immutable;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace CacheAside.Tests.Keys;

/// <summary>
/// An interpolated key given to <see cref="ICacheInvalidator"/> always renders as a template does — constant
/// values included — because no overload takes a plain string for the compiler to prefer.
/// </summary>
public sealed class InterpolatedKeyTests
{
    private const string EuWest = "eu:west";
    private const string Sku = "a{b";

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(ICacheInvalidator).Assembly.Location)
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    [Test]
    public void ConstantValues_AreEscapedAsTheTemplateEscapesThem()
    {
        var interpolated = Render($"stock:{EuWest}:{Sku}");

        Assert.That(interpolated, Is.EqualTo(Body(KeyProbe.KeyOf(p => p.Stock(EuWest, Sku)))));
        Assert.That(interpolated, Is.EqualTo("stock:eu\\:west:a\\<b"));
    }

    [Test]
    public void LiteralBraces_AreEscapedAsATemplatesLiteralBraces()
    {
        var id = 42;

        var interpolated = Render($"set:{{{id}}}");

        Assert.That(interpolated, Is.EqualTo(Body(KeyProbe.KeyOf(p => p.Set(42)))));
    }

    [Test]
    public void ValueOfStaticTypeObject_CarriesItsType_AsAnObjectParameterDoes()
    {
        object id = 1;

        var interpolated = Render($"find:{id}");

        Assert.That(interpolated, Is.EqualTo(Body(KeyProbe.KeyOf(p => p.FindTemplated(1)))));
    }

    [Test]
    public void BackslashInTheLiteralText_IsEscaped_SoItCannotStartAToken()
    {
        var interpolated = Render($"a\\#b");

        Assert.That(interpolated, Is.EqualTo("a\\\\#b"));
    }

    [Test]
    public void SequenceThatIsNotACollection_RendersAsAParameterOfItsStaticTypeDoes_AsTheListOfItsElements()
    {
        IEnumerable<int> query = Enumerable.Range(1, 5).Where(i => i % 2 == 1);
        IEnumerable<int> oneShot = new OneShot<int>(4, 5);

        var fromQuery = Render($"sum:{query}");
        var fromOneShot = Render($"sum:{oneShot}");

        Assert.That(fromQuery, Is.EqualTo(Body(KeyProbe.KeyVia<ISequenceRepository>(r => r.Forget(Enumerable.Range(1, 5).Where(i => i % 2 == 1))))));
        Assert.That(fromOneShot, Is.EqualTo(Body(KeyProbe.KeyVia<ISequenceRepository>(r => r.Forget(new OneShot<int>(4, 5))))));
        Assert.That(fromOneShot, Is.EqualTo(Render($"sum:{(IEnumerable<int>)new List<int> { 4, 5 }}")), "a one-shot sequence renders as the list the repository would have been given");
    }

    [Test]
    public async Task InvalidateAsync_WithAQueryForASequenceParameter_DeletesTheEntryTheReadStored()
    {
        using var harness = CacheAsideHarness<ISequenceRepository>.Create(new SequenceSource(), o => o.RedisTimeout = TimeSpan.FromSeconds(1));
        Assert.That(await harness.Service.CountAsync(Enumerable.Range(1, 5).Where(i => i % 2 == 1)), Is.EqualTo(3));
        Assert.That(harness.Observer.Last.Outcome, Is.EqualTo(CacheOutcome.Miss));
        var stored = harness.Observer.Last.Keys.Single();
        Assert.That(await harness.Redis.KeyExistsAsync(stored), Is.True);

        System.Collections.IEnumerable values = Enumerable.Range(1, 5).Where(i => i % 2 == 1);
        var confirmed = await harness.Invalidator.InvalidateAsync($"count:{values}");

        Assert.That(confirmed, Is.True);
        Assert.That(harness.Observer.Last.Keys, Is.EqualTo(new[] { stored }), "the invalidation named the key the read stored");
        Assert.That(await harness.Redis.KeyExistsAsync(stored), Is.False);
    }

    [Test]
    public void ValueNoKeyCanStandFor_IsAnArgumentError()
    {
        Func<int> callback = () => 1;

        var thrown = Assert.Throws<ArgumentException>(() => Render($"x:{callback}"));

        Assert.That(thrown!.Message, Does.StartWith("A value holds Func<int>, which is a delegate"));
    }

    [Test]
    public void Invalidate_WithConstantValues_DeletesTheEntryTheReadStored()
    {
        using var harness = CacheAsideHarness<IStockRepository>.Create(new StockSource());
        harness.Service.Level(EuWest, Sku);
        var key = harness.Key("stock:eu\\:west:a\\<b");
        Assert.That(harness.Redis.KeyExists(key), Is.True);

        var confirmed = harness.Invalidator.Invalidate($"stock:{EuWest}:{Sku}");

        Assert.That(confirmed, Is.True);
        Assert.That(harness.Redis.KeyExists(key), Is.False);
    }

    [TestCase("invalidator.Invalidate(\"product:1\");", "CS9205", TestName = "StringLiteral_DoesNotCompile_ExpectedInterpolatedString")]
    [TestCase("invalidator.Invalidate(sku);", "CS1503", TestName = "StringVariable_DoesNotCompile_CannotConvert")]
    [TestCase("_ = invalidator.InvalidateAsync(sku);", "CS1503", TestName = "StringVariableToTheAsyncOverload_DoesNotCompile_CannotConvert")]
    public void PlainString_DoesNotCompile(string call, string error)
    {
        var errors = Compile(call, out _);

        Assert.That(errors.Select(e => e.Id), Is.EqualTo(new[] { error }));
    }

    [TestCase("invalidator.Invalidate($\"stock:{Region}:{sku}\");", 2)]
    [TestCase("invalidator.Invalidate($\"stock:{Region}:{Region}\");", 2)]
    [TestCase("_ = invalidator.InvalidateAsync($\"product-count\");", 0)]
    public void InterpolatedString_BindsToTheHandler_WithEveryValueFormatted_ConstantsToo(string call, int values)
    {
        var errors = Compile(call, out var compilation);
        var tree = compilation.SyntaxTrees.Single();
        var invocation = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Single();
        var operation = (IInvocationOperation)compilation.GetSemanticModel(tree).GetOperation(invocation)!;

        Assert.That(errors, Is.Empty);
        var argument = operation.Arguments[0].Value;
        Assert.That(argument, Is.InstanceOf<IInterpolatedStringHandlerCreationOperation>(), "not a constant string");
        var content = (IInterpolatedStringOperation)((IInterpolatedStringHandlerCreationOperation)argument).Content;
        Assert.That(content.Parts.Count(p => p.Kind == OperationKind.InterpolatedStringAppendFormatted), Is.EqualTo(values));
    }

    private static string Render(CacheKeyInterpolatedStringHandler key) => key.ToKeyText();

    private static string Body(string key) => key["cacheaside:v1:{".Length..^1];

    private static ImmutableArray<Diagnostic> Compile(string statement, out Compilation compilation)
    {
        var source = $$"""
            using CacheAside.Interception;

            public static class Caller
            {
                private const string Region = "eu:west";

                public static void Call(ICacheInvalidator invalidator, string sku)
                {
                    {{statement}}
                }
            }
            """;
        compilation = CSharpCompilation.Create(
            "Caller",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }
}
