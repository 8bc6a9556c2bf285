namespace CacheAside.Interception.Internal.Engine;

/// <summary>One call of a cached read, as the engine needs it: the key, and what a load needs to reach the implementation.</summary>
/// <param name="Key">The entry's value key, prefix included.</param>
/// <param name="Target">The implementation the proxy stands in front of.</param>
/// <param name="Arguments">The call's arguments.</param>
/// <param name="Started">When the call started, a <see cref="TimeProvider"/> timestamp.</param>
internal readonly record struct ReadCall(string Key, object Target, object?[] Arguments, long Started);
