using CacheAside.Interception;

namespace Consumer;

public sealed class PrintingObserver : ICacheAsideObserver
{
    public void OnCall(in CacheAsideEvent cacheEvent) => Console.WriteLine($"{cacheEvent.Method}: {cacheEvent.Outcome}");
}
