using CacheAside.Interception;
using CacheAside.Interception.Internal.Diagnostics;
using CacheAside.Interception.Internal.Redis;
using CacheAside.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CacheAside.Tests.Faults;

/// <summary>
/// The clock that bounds asynchronous commands by the budget, alone with a clock in the test's hands: a command
/// answered in time completes its wait and the wait is reused; one that is not answered times out within a tick
/// of its deadline; the clock stops when idle and starts again for the next command; a late answer never
/// completes a wait twice.
/// </summary>
public sealed class BudgetClockTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromMilliseconds(50);

    [Test]
    public async Task AnsweredInTime_CompletesWithTheAnswer_AndTheWaitIsReused()
    {
        var (time, clock, store) = Create();

        for (var i = 0; i < 100; i++)
        {
            var answer = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var wait = clock.Rent().Start(store, answer.Task, probe: false, time.GetTimestamp(), s_budget);
            answer.SetResult(RedisResult.Create((RedisValue)"v"));
            var reply = await wait;

            Assert.That(reply.Status, Is.EqualTo(ReplyStatus.Ok));
            Assert.That((string?)reply.Result, Is.EqualTo("v"));
        }

        Assert.That(clock.Tracked, Is.LessThan(10), "a sequential caller reuses its waits, however many commands");
        Assert.That(clock.InFlight, Is.Zero);
    }

    [Test]
    public async Task NotAnswered_TimesOutWithinATickOfItsDeadline_AndLeavesTheTable()
    {
        var (time, clock, store) = Create();
        var answer = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = clock.Rent().Start(store, answer.Task, probe: false, time.GetTimestamp(), s_budget);

        time.Advance(s_budget - clock.Tick);
        Assert.That(wait.IsCompleted, Is.False, "before its deadline");
        time.Advance(clock.Tick * 2);
        var reply = await wait;

        Assert.That(reply.Status, Is.EqualTo(ReplyStatus.Failed));
        Assert.That(reply.Error!.Message, Does.Contain("within 50 ms"));
        Assert.That(clock.InFlight, Is.Zero);
        Assert.That(clock.Tracked, Is.Zero, "a timed-out wait is left to the garbage collector, with the late answer still to come");

        // The late answer reaches the orphaned wait and changes nothing.
        answer.SetResult(RedisResult.Create((RedisValue)"late"));
        await Task.Yield();
        Assert.That(clock.InFlight, Is.Zero);
    }

    [Test]
    public async Task AfterASecondIdle_TheClockStops_AndTheNextCommandStartsItAgain()
    {
        var (time, clock, store) = Create();
        var first = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = clock.Rent().Start(store, first.Task, probe: false, time.GetTimestamp(), s_budget);
        first.SetResult(RedisResult.Create((RedisValue)"v"));
        await answered;

        // Ticks with nothing armed, past the second the clock waits before it stops.
        for (var i = 0; i < 300; i++)
        {
            time.Advance(clock.Tick);
        }

        var never = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = clock.Rent().Start(store, never.Task, probe: false, time.GetTimestamp(), s_budget);
        time.Advance(s_budget + clock.Tick);
        var reply = await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(reply.Status, Is.EqualTo(ReplyStatus.Failed), "the stopped clock ticked again for the new command");
    }

    [Test]
    public async Task ManyCommandsInFlight_OnlyTheUnansweredTimeOut()
    {
        var (time, clock, store) = Create();
        var answers = Enumerable.Range(0, 200).Select(_ => new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        var waits = answers.Select(a => clock.Rent().Start(store, a.Task, probe: false, time.GetTimestamp(), s_budget).AsTask()).ToList();
        Assert.That(clock.InFlight, Is.EqualTo(200));

        for (var i = 0; i < answers.Count; i += 2)
        {
            answers[i].SetResult(RedisResult.Create((RedisValue)i));
        }

        // The answers reach their waits through the thread pool; the deadline passes only after they did.
        Assert.That(SpinWait.SpinUntil(() => clock.InFlight == 100, TimeSpan.FromSeconds(10)), Is.True);
        time.Advance(s_budget + clock.Tick);
        var replies = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(replies.Where((_, i) => i % 2 == 0).Select(r => r.Status), Is.All.EqualTo(ReplyStatus.Ok));
        Assert.That(replies.Where((_, i) => i % 2 == 1).Select(r => r.Status), Is.All.EqualTo(ReplyStatus.Failed));
        Assert.That(clock.InFlight, Is.Zero);
    }

    [Test]
    public async Task AnsweredInTime_WithThePoolTooBusyToTellTheWait_IsAnAnswer_NotARedisFailure()
    {
        var (time, clock, store) = Create(minimumThroughput: 1);
        var answer = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = clock.Rent().Start(store, answer.Task, probe: false, time.GetTimestamp(), s_budget);
        ValueTask<RedisReply> replied;
        using (BusyPool.Occupy())
        {
            // The answer's continuation waits for a pool thread; the clock's tick (run here, by the test's clock) comes first.
            answer.SetResult(RedisResult.Create((RedisValue)"v"));
            time.Advance(s_budget + clock.Tick);
            replied = wait;
        }

        var reply = await replied.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(reply.Status, Is.EqualTo(ReplyStatus.Ok), reply.Error?.Message);
        Assert.That((string?)reply.Result, Is.EqualTo("v"));
        Assert.That(store.Breaker.IsOpen, Is.False, "Redis answered: nothing to count against it");
    }

    [Test]
    public async Task AGetWhoseBatchWasNeverSent_TimesOut_WithoutCountingAgainstRedis()
    {
        var (time, clock, store) = Create(minimumThroughput: 1);
        var batch = new GetBatch(store, SharedRedis.Connection.GetDatabase().CreateBatch(), time.GetTimestamp());
        Assert.That(batch.TryAdd("budget-clock:unsent", out var get), Is.True);
        var wait = clock.Rent().Start(store, get, probe: false, time.GetTimestamp(), s_budget, batch);

        time.Advance(s_budget + clock.Tick);
        var reply = await wait;

        Assert.That(batch.IsSent, Is.False);
        Assert.That(reply.Status, Is.EqualTo(ReplyStatus.Failed), "for its caller, a timeout like any other");
        Assert.That(reply.Error!.Message, Does.StartWith("not sent within 50 ms"));
        Assert.That(store.Breaker.IsOpen, Is.False, "the GET never reached Redis: a starved pool must not open the breaker");

        // The same wait for a command that did go out, and was not answered, is a Redis failure: the breaker opens.
        var unanswered = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var timedOut = clock.Rent().Start(store, unanswered.Task, probe: false, time.GetTimestamp(), s_budget);
        time.Advance(s_budget + clock.Tick);
        Assert.That((await timedOut).Status, Is.EqualTo(ReplyStatus.Failed));
        Assert.That(store.Breaker.IsOpen, Is.True);
    }

    [Test]
    public async Task AValueThatArrivesAfterItsWaitTimedOut_GoesBackToThePool()
    {
        var (time, clock, store) = Create();
        var answer = new TaskCompletionSource<Lease<byte>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = clock.Rent().Start(store, answer.Task, probe: false, time.GetTimestamp(), s_budget);
        time.Advance(s_budget + clock.Tick);
        Assert.That((await wait).Status, Is.EqualTo(ReplyStatus.Failed));

        var late = Lease<byte>.Create(16, clear: false);
        answer.SetResult(late);

        Assert.That(SpinWait.SpinUntil(() => IsDisposed(late), TimeSpan.FromSeconds(10)), Is.True, "nobody reads the late value: its pooled buffer is returned");

        static bool IsDisposed(Lease<byte> lease)
        {
            try
            {
                _ = lease.Span;
                return false;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    [Test]
    public void ABatchThatWaitedLongerThanAFifthOfTheBudget_PausesCoalescing_ForCoalescingPause()
    {
        var (time, _, store) = Create();
        var queued = time.GetTimestamp();
        time.Advance(store.SlowFlush / 2);
        store.BatchSent(queued);
        Assert.That(store.CoalescingPauses, Is.Zero, "a batch sent within SlowFlush");

        queued = time.GetTimestamp();
        time.Advance(store.SlowFlush * 2);
        store.BatchSent(queued);

        Assert.That(store.CoalescingPauses, Is.EqualTo(1));
        Assert.That(store.IsCoalescingPaused, Is.True);
        time.Advance(RedisStore.CoalescingPause);
        Assert.That(store.IsCoalescingPaused, Is.False, "coalescing resumes by itself");
    }

    private static (FakeTimeProvider Time, BudgetClock Clock, RedisStore Store) Create(int minimumThroughput = 1000)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new CacheAsideOptions { TimeProvider = time, RedisTimeout = s_budget, CircuitBreakerMinimumThroughput = minimumThroughput };
        var telemetry = new CacheAsideTelemetry([], NullLogger.Instance, time);
        var breaker = new CircuitBreaker(options, telemetry);
        var store = new RedisStore(SharedRedis.Connection, SharedRedis.Connection, -1, breaker, time, s_budget, coalesceAbove: 0);
        return (time, new BudgetClock(time, s_budget), store);
    }
}
