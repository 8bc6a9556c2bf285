namespace CacheAside.Tests.Infrastructure;

/// <summary>The Redis a scenario runs against: one server, or a local cluster of three primaries and three replicas.</summary>
public enum Topology
{
    Single,
    Cluster,
}
