using CacheAside.Interception.Internal.Redis;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// Which Redis error replies count as Redis being unavailable (toward the circuit breaker) and which are refusals that
/// say nothing about the health of the node that answered. The texts are Redis's own (<c>cluster.c</c>), as a local
/// cluster answers them.
/// </summary>
public sealed class ReplyClassificationTests
{
    /// <summary>An error reply as StackExchange.Redis surfaces it; CacheAside reads only its text.</summary>
    private static RedisServerException Reply(string text) => new(RedisErrorKind.Unknown, CommandFlags.None, text);

    [TestCase("CLUSTERDOWN The cluster is down", true)]
    [TestCase("CLUSTERDOWN The cluster is down and only accepts read commands", true)]
    [TestCase("CLUSTERDOWN Hash slot not served", false)]
    [TestCase("TRYAGAIN Multiple keys request during rehashing of slot", false)]
    [TestCase("LOADING Redis is loading the dataset in memory", true)]
    [TestCase("READONLY You can't write against a read only replica.", true)]
    [TestCase("OOM command not allowed when used memory > 'maxmemory'.", false)]
    public void AServerReply_CountsAsAFailure_OnlyWhenItSaysRedisIsUnavailable(string reply, bool failure) =>
        Assert.That(RedisErrors.Classify(Reply(reply)), Is.EqualTo(failure ? ReplyStatus.Failed : ReplyStatus.Refused));

    [Test]
    public void OnlyASlotThatNoNodeServes_IsASlotNotServed()
    {
        Assert.That(RedisErrors.IsSlotNotServed(Reply("CLUSTERDOWN Hash slot not served")), Is.True);
        Assert.That(RedisErrors.IsSlotNotServed(Reply("CLUSTERDOWN The cluster is down")), Is.False);
    }
}
