namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// What the build-time check could prove about a result type's round trip through the cache's JSON.
/// </summary>
/// <param name="Unproven">
/// Why the round trip is not proven (the first reason found, naming the member), or <see langword="null"/>
/// when every field that carries state is written and read back by a JSON member whose converter is exact:
/// then values need no check at run time. Otherwise each value is read back and compared before it is stored.
/// </param>
internal readonly record struct Fidelity(string? Unproven)
{
    public static Fidelity Proven => default;

    public bool IsProven => Unproven is null;
}
