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
                ReturnShape.TaskOfT => typeof(TaskReadPlan<>),
                ReturnShape.ValueTaskOfT => typeof(ValueTaskReadPlan<>),
                _ => typeof(SyncReadPlan<>),
            };
            return Instantiate(plan.MakeGenericType(spec.ResultType!), spec, runtime, json);
        }

        return spec.Shape switch
        {
            ReturnShape.Task => new TaskWritePlan(spec, runtime),
            ReturnShape.ValueTask => new ValueTaskWritePlan(spec, runtime),
            ReturnShape.TaskOfT => Instantiate(typeof(TaskWritePlan<>).MakeGenericType(spec.ResultType!), spec, runtime),
            ReturnShape.ValueTaskOfT => Instantiate(typeof(ValueTaskWritePlan<>).MakeGenericType(spec.ResultType!), spec, runtime),
            _ => new SyncWritePlan(spec, runtime),
        };
    }

    private static MethodPlan Instantiate(Type plan, params object[] arguments) =>
        (MethodPlan)Activator.CreateInstance(plan, arguments)!;
}
