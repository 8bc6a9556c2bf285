using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Engine;
using Castle.DynamicProxy;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>
/// A generic method: each instantiation (<c>Get&lt;Order&gt;</c>, <c>Get&lt;Invoice&gt;</c>) gets its own plan,
/// built on its first call and kept, since its result type and key differ.
/// </summary>
internal sealed class GenericMethodPlan : MethodPlan
{
    private readonly PlanCatalog _catalog;
    private readonly ConcurrentDictionary<TypeList, MethodPlan?> _closed = new();

    public GenericMethodPlan(MethodSpec spec, CacheEngine engine, PlanCatalog catalog)
        : base(spec, engine)
    {
        _catalog = catalog;
    }

    public override void Intercept(IInvocation invocation)
    {
        var plan = _closed.GetOrAdd(new TypeList(invocation.GenericArguments ?? Type.EmptyTypes), Close);
        if (plan is null)
        {
            invocation.Proceed();
            return;
        }

        plan.Intercept(invocation);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An instantiation the cache cannot handle runs uncached rather than failing.")]
    private MethodPlan? Close(TypeList arguments)
    {
        var problems = new List<string>();
        try
        {
            var closed = Spec.Method.MakeGenericMethod(arguments.Types);
            var spec = MethodSpecBuilder.Build(Spec.Service, closed, _catalog.Options, _catalog.Json, problems);
            if (spec is not null)
            {
                spec = Spec.KeyScope is { } scope ? spec.ScopedTo(scope) : spec;
                return PlanFactory.Create(spec, Engine, _catalog);
            }
        }
        catch (Exception ex)
        {
            problems.Add(ex.Message);
        }

        Log.InstantiationUncached(Engine.Telemetry.Logger, Spec.Display, string.Join(" ", problems));
        return null;
    }

    /// <summary>Generic arguments compared by their elements, as a dictionary key.</summary>
    private readonly struct TypeList(Type[] types) : IEquatable<TypeList>
    {
        public Type[] Types { get; } = types;

        public bool Equals(TypeList other) => Types.AsSpan().SequenceEqual(other.Types);

        public override bool Equals(object? obj) => obj is TypeList other && Equals(other);

        public override int GetHashCode()
        {
            var hash = default(HashCode);
            foreach (var type in Types)
            {
                hash.Add(type);
            }

            return hash.ToHashCode();
        }
    }
}
