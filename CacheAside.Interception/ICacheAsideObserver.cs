namespace CacheAside.Interception;

/// <summary>
/// Receives one <see cref="CacheAsideEvent"/> per intercepted call. Register implementations in the
/// container (<c>builder.RegisterInstance(observer).As&lt;ICacheAsideObserver&gt;()</c>); when none is
/// registered, no event is built.
/// </summary>
/// <remarks>
/// Called on the caller's thread (or the continuation of an async call) after the call's outcome is known,
/// before the caller sees the result. Keep it fast. An exception it throws is logged and never reaches the
/// caller.
/// </remarks>
public interface ICacheAsideObserver
{
    /// <summary>Called once per intercepted call.</summary>
    /// <param name="cacheEvent">What happened.</param>
    void OnCall(in CacheAsideEvent cacheEvent);
}
