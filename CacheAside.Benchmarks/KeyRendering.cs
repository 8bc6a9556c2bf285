using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Plans;

namespace CacheAside.Benchmarks;

/// <summary>
/// What rendering a key costs on the hot path, and what it allocates: a template with an <c>int</c> should
/// allocate the key string and nothing else; an argument rendered from its state reads fields through a
/// delegate compiled once per type, without boxing them.
/// </summary>
[MemoryDiagnoser]
public class KeyRendering
{
    private readonly KeyBuilder _keys = new("cacheaside:v1:", 256);
    private readonly object?[] _id = [42];
    private readonly object?[] _query = [new ProductQuery("shoes", 3, 2)];
    private readonly object?[] _any = ["42"];
    private readonly object?[] _ids = [new List<int> { 1, 2, 3, 5, 8 }];
    private KeyRenderer _template = null!;
    private KeyRenderer _state = null!;
    private KeyRenderer _typed = null!;
    private KeyRenderer _sequence = null!;

    /// <summary>The calls whose keys are measured.</summary>
    public interface IKeyedRepository
    {
        [Cached("product:{id}")]
        string GetById(int id);

        [Cached]
        string Search(ProductQuery query);

        [Cached("any:{value}")]
        string Find(object value);

        [Cached]
        string Many(IReadOnlyList<int> ids);
    }

    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short"));
        BenchmarkRunner.Run<KeyRendering>(config, args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _template = Renderer(nameof(IKeyedRepository.GetById));
        _state = Renderer(nameof(IKeyedRepository.Search));
        _typed = Renderer(nameof(IKeyedRepository.Find));
        _sequence = Renderer(nameof(IKeyedRepository.Many));
    }

    [Benchmark(Baseline = true, Description = "template, int")]
    public string Template() => _keys.Build(_template, _id);

    [Benchmark(Description = "default key, record of 3 fields")]
    public string State() => _keys.Build(_state, _query);

    [Benchmark(Description = "template, object holding a string")]
    public string Typed() => _keys.Build(_typed, _any);

    [Benchmark(Description = "default key, list of 5 ints")]
    public string Sequence() => _keys.Build(_sequence, _ids);

    private static KeyRenderer Renderer(string name)
    {
        var options = new CacheAsideOptions();
        var method = typeof(IKeyedRepository).GetMethod(name)!;
        var problems = new List<string>();
        var spec = MethodSpecBuilder.Build(typeof(IKeyedRepository), method, options, new PlanCatalog(options).Json, problems)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        return spec.Keys[0];
    }

    /// <summary>A query argument, rendered from its three fields.</summary>
    public sealed record ProductQuery(string Term, int TenantId, int Page);
}
