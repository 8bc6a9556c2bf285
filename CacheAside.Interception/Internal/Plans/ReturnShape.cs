namespace CacheAside.Interception.Internal.Plans;

/// <summary>How a method hands back its result; each shape has its own plan.</summary>
internal enum ReturnShape
{
    /// <summary><see langword="void"/>.</summary>
    Void,

    /// <summary>A plain <c>T</c>.</summary>
    Value,

    /// <summary><see cref="System.Threading.Tasks.Task"/>.</summary>
    Task,

    /// <summary><see cref="System.Threading.Tasks.Task{TResult}"/>.</summary>
    TaskOfT,

    /// <summary><see cref="System.Threading.Tasks.ValueTask"/>.</summary>
    ValueTask,

    /// <summary><see cref="System.Threading.Tasks.ValueTask{TResult}"/>.</summary>
    ValueTaskOfT,
}
