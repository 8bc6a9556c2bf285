using CacheAside.Interception.Internal.Engine;

namespace CacheAside.Interception.Internal.Plans;

/// <summary>Chooses and builds the plan for a spec: one reflection step per method, at container build.</summary>
internal static class PlanFactory
{
    public static MethodPlan Create(MethodSpec spec, CacheEngine engine, PlanCatalog catalog)
    {
        if (spec.Method.IsGenericMethodDefinition)
        {
            return new GenericMethodPlan(spec, engine, catalog);
        }

        if (spec.Kind == MethodKind.Read)
        {
            return (MethodPlan)Activator.CreateInstance(typeof(ReadPlan<>).MakeGenericType(spec.ResultType!), spec, engine, catalog.Json)!;
        }

        var result = spec.Shape is ReturnShape.Value or ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT ? spec.ResultType! : typeof(NoResult);
        return (MethodPlan)Activator.CreateInstance(typeof(WritePlan<>).MakeGenericType(result), spec, engine)!;
    }
}
