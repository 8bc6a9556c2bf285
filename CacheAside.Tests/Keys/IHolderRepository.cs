using CacheAside.Interception;

namespace CacheAside.Tests.Keys;

public interface IHolderRepository
{
    [Cached("holder:{holder.Value}")]
    string Describe(Holder holder);
}

public sealed class HolderSource : IHolderRepository
{
    public int Calls { get; private set; }

    public string Describe(Holder holder)
    {
        Calls++;
        return holder.Value?.GetType().Name ?? "nothing";
    }
}
