using System.Collections.Concurrent;
using System.Text.Json;
using CacheAside.Interception.Internal.Keys;
using CacheAside.Interception.Internal.Serialization;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// The validated specs of every proxied interface of one container, and the settings they were built with.
/// </summary>
internal sealed class PlanCatalog
{
    private readonly ConcurrentDictionary<Type, MethodSpec[]> _specs = new();

    public PlanCatalog(CacheAsideOptions options)
    {
        Options = options;
        Json = CacheContract.Create(options.SerializerOptions);
    }

    public CacheAsideOptions Options { get; }

    public JsonSerializerOptions Json { get; }

    /// <summary>Builds and checks the specs of <paramref name="services"/> and the interfaces they extend, adding every problem.</summary>
    public void Validate(IEnumerable<Type> services, List<string> problems)
    {
        var reads = new List<MethodSpec>();
        var writes = new List<(MethodSpec Spec, KeyTemplate Template)>();
        foreach (var service in services.SelectMany(Hierarchy).Distinct())
        {
            var before = problems.Count;
            var specs = Build(service, problems);
            if (problems.Count == before)
            {
                _specs.TryAdd(service, specs);
            }

            reads.AddRange(specs.Where(s => s.ReadTemplate is not null));
            writes.AddRange(specs.Where(s => s.Kind == MethodKind.Write).SelectMany(s => s.Keys.OfType<KeyTemplate>().Select(t => (s, t))));
        }

        // Two reads whose templates have the same shape can render the same key; with different result
        // types, each would read the other's entries as corrupt and overwrite them, over and over. Types compare as
        // the keys tell them: a type parameter rendered at one placeholder is one type in both (Get<T> and GetAsync<T>).
        foreach (var group in reads.GroupBy(s => s.ReadTemplate!.Shape, StringComparer.Ordinal))
        {
            var byType = group.GroupBy(s => s.ReadTemplate!.Resolve(s.ResultType!), StringComparer.Ordinal).ToList();
            if (byType.Count > 1)
            {
                var methods = string.Join(" and ", group.Select(s => $"{s.Display} (\"{s.ReadTemplate!.Text}\")"));
                problems.Add($"{methods} have keys of the same shape \"{group.Key}\" but different result types, so their entries would overwrite each other: change the literal text of one template.");
                continue;
            }

            // Values render without their type where the declared type fixes it: GetById(int) with
            // "product:{id}" and GetByCode(string) with "product:{code}" would both store product:1.
            var byPlaceholders = group.GroupBy(s => string.Join(",", s.ReadTemplate!.PlaceholderTypes.Select(t => s.ReadTemplate.Resolve(Nullable.GetUnderlyingType(t) ?? t))), StringComparer.Ordinal).ToList();
            if (byPlaceholders.Count > 1)
            {
                var methods = string.Join(" and ", byPlaceholders.Select(g => g.First()).Select(s => $"{s.Display} (\"{s.ReadTemplate!.Text}\": {string.Join(", ", s.ReadTemplate.PlaceholderTypes.Select(TypeNames.Display))})"));
                problems.Add($"{methods} have keys of the same shape \"{group.Key}\" but placeholders of different types, so calls with different arguments that read alike (1 and \"1\") would share an entry: change the literal text of one template.");
            }
        }

        ValidateShapesApart(reads, problems);
        ValidateInvalidations(reads, writes, problems);
    }

    /// <summary>
    /// Reports two read templates of different shapes that can render the same key: the literal text of one is a
    /// value of the other's placeholder (<c>product:featured</c> and <c>product:{sku}</c>), so whichever is called
    /// second is answered with what the first stored. Templates of one shape share keys by design, and are checked above.
    /// </summary>
    private static void ValidateShapesApart(List<MethodSpec> reads, List<string> problems)
    {
        // One template of each form stands for the others: they render the same keys. (Of one shape and placeholder
        // types is not enough: item:{T}:{id} closed over int and over long render apart.)
        var shapes = reads.GroupBy(s => s.ReadTemplate!.Form, StringComparer.Ordinal)
            .Select(g => (Read: g.First(), g.First().ReadTemplate!.Language))
            .ToList();
        for (var i = 0; i < shapes.Count; i++)
        {
            for (var j = i + 1; j < shapes.Count; j++)
            {
                if (shapes[i].Read.ReadTemplate!.Shape != shapes[j].Read.ReadTemplate!.Shape
                    && KeyLanguage.Shared(shapes[i].Language, shapes[j].Language) is { } key)
                {
                    var (first, second) = (shapes[i].Read, shapes[j].Read);
                    problems.Add($"{first.Display} (\"{first.ReadTemplate!.Text}\") and {second.Display} (\"{second.ReadTemplate!.Text}\") can render the same key, {key}, so a call of one would be answered with what the other stored: change the literal text of one template.");
                }
            }
        }
    }

    /// <summary>
    /// Reports invalidation templates that can never delete what a read of the same shape stores: a placeholder
    /// declared with a type that fixes its values' type on one side (they render bare) and with one that does not
    /// on the other (they render tagged). Other differences (<c>int</c> and <c>long</c>) render alike, and pass.
    /// </summary>
    private static void ValidateInvalidations(List<MethodSpec> reads, List<(MethodSpec Spec, KeyTemplate Template)> writes, List<string> problems)
    {
        var readsByShape = reads.ToLookup(s => s.ReadTemplate!.Shape, StringComparer.Ordinal);
        foreach (var (write, template) in writes)
        {
            var read = readsByShape[template.Shape].FirstOrDefault(r => RenderApart(template.PlaceholderTypes, r.ReadTemplate!.PlaceholderTypes));
            if (read is not null)
            {
                problems.Add($"{write.Display} [Invalidates(\"{template.Text}\")] and {read.Display} [Cached(\"{read.ReadTemplate!.Text}\")] have keys of the same shape \"{template.Shape}\", but their placeholders are declared {Types(template)} and {Types(read.ReadTemplate)}: a value whose declared type does not fix its type renders with it ((System.Int32)5, not 5), so the invalidation never deletes what the read stores: declare the placeholders of the invalidation with the read's types.");
            }
        }
    }

    private static bool RenderApart(IReadOnlyList<Type> first, IReadOnlyList<Type> second) => first.Zip(second).Any(pair =>
        !pair.First.ContainsGenericParameters && !pair.Second.ContainsGenericParameters
        && KeySlot.FixesRuntimeType(pair.First) != KeySlot.FixesRuntimeType(pair.Second));

    private static string Types(KeyTemplate template) => template.PlaceholderTypes.Count == 1
        ? TypeNames.Display(template.PlaceholderTypes[0])
        : "(" + string.Join(", ", template.PlaceholderTypes.Select(TypeNames.Display)) + ")";

    /// <summary>Gets the longest an entry of any validated method lives in Redis (its TTL with the most jitter, and its fail-safe window).</summary>
    public TimeSpan LongestLifetime
    {
        get
        {
            var reads = _specs.Values.SelectMany(s => s).Where(s => s.Kind == MethodKind.Read).ToList();
            return reads.Count == 0
                ? Options.DefaultTtl + TimeSpan.FromTicks((long)(Options.DefaultTtl.Ticks * Options.TtlJitter))
                : reads.Max(s => s.Lifetime(Options.TtlJitter));
        }
    }

    /// <summary>Gets the specs of <paramref name="service"/> and the interfaces it extends, validating them if no build did.</summary>
    public IEnumerable<MethodSpec> SpecsFor(Type service) => Hierarchy(service).SelectMany(Specs);

    private MethodSpec[] Specs(Type service) => _specs.GetOrAdd(service, type =>
    {
        // Reached for services no build callback saw, such as closed types of an open generic registration.
        var problems = new List<string>();
        var specs = Build(type, problems);
        return problems.Count == 0 ? specs : throw new CacheAsideConfigurationException(problems);
    });

    private MethodSpec[] Build(Type service, List<string> problems) => service.GetMethods()
        .Select(m => MethodSpecBuilder.Build(service, m, Options, Json, problems))
        .OfType<MethodSpec>()
        .ToArray();

    private static IEnumerable<Type> Hierarchy(Type service) => service.GetInterfaces().Prepend(service);
}
