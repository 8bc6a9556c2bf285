namespace CacheAside.Interception.Internal.Plans;

/// <summary>Chooses and builds the plan for a spec: one reflection step per method, at container build.</summary>
internal static class PlanFactory
{
    public static MethodPlan Create(MethodSpec spec, CacheAsideRuntime runtime, PlanCatalog catalog)
    {
        if (spec.Method.IsGenericMethodDefinition)
        {
            return new GenericMethodPlan(spec, runtime, catalog);
        }

        var json = catalog.Json;

        if (spec.Kind == MethodKind.Read)
        {
            var plan = spec.Shape switch
            {
                ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT => typeof(AsyncReadPlan<>),
                _ => typeof(SyncReadPlan<>),
            };
            return Instantiate(plan.MakeGenericType(spec.ResultType!), spec, runtime, json);
        }

        return spec.Shape switch
        {
            ReturnShape.Task or ReturnShape.ValueTask => new AsyncWritePlan(spec, runtime),
            ReturnShape.TaskOfT or ReturnShape.ValueTaskOfT => Instantiate(typeof(AsyncWritePlan<>).MakeGenericType(spec.ResultType!), spec, runtime),
            _ => new SyncWritePlan(spec, runtime),
        };
    }

    private static MethodPlan Instantiate(Type plan, params object[] arguments) =>
        (MethodPlan)Activator.CreateInstance(plan, arguments)!;
}
