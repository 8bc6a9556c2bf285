using System.Diagnostics.CodeAnalysis;
using StackExchange.Redis;

namespace CacheAside.Interception.Internal.Redis;

/// <summary>
/// <c>GET</c>s that one thread issued while the connection was busy, sent together: StackExchange.Redis
/// writes a batch under one lock and one flush, so Redis reads them in one go and answers in one write.
/// Filled by the thread that opened it, sent by a thread-pool work item queued when it opened — which runs
/// once the threads have finished what they were doing, usually answering the very replies whose callers
/// issue these <c>GET</c>s.
/// </summary>
/// <remarks>Each command keeps its own task, reply and budget: batching changes when a command is written, nothing else.</remarks>
internal sealed class GetBatch : IThreadPoolWorkItem
{
    /// <summary>How many commands one batch takes; the next opens another.</summary>
    private const int MaxCommands = 64;

    private readonly Lock _lock = new();
    private readonly long _queuedAt;
    private IBatch? _batch;
    private int _count;

    /// <summary>Opens a batch whose work item is queued at <paramref name="queuedAt"/>, a <see cref="TimeProvider"/> timestamp.</summary>
    public GetBatch(RedisStore store, IBatch batch, long queuedAt)
    {
        Store = store;
        _batch = batch;
        _queuedAt = queuedAt;
    }

    /// <summary>Gets the store whose connection the batch writes to; <see langword="null"/> once sent, so a thread's last batch keeps no container alive.</summary>
    public RedisStore? Store { get; private set; }

    /// <summary>Gets whether the batch was handed to the connection: until then, its commands never left the process.</summary>
    public bool IsSent
    {
        get
        {
            lock (_lock)
            {
                return _batch is null;
            }
        }
    }

    /// <summary>Adds a <c>GET</c>; <see langword="false"/> when the batch was sent already or is full.</summary>
    public bool TryAdd(RedisKey key, out Task<Lease<byte>?> reply)
    {
        lock (_lock)
        {
            // No batch left: it was sent.
            if (_batch is null || _count == MaxCommands)
            {
                reply = null!;
                return false;
            }

            _count++;
            reply = _batch.StringGetLeaseAsync(key);
            return true;
        }
    }

    /// <summary>Sends the batch: the work item queued when it opened. Never throws: nothing would catch it.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An exception thrown by a thread-pool work item ends the process.")]
    public void Execute()
    {
        IBatch batch;
        RedisStore store;
        lock (_lock)
        {
            batch = _batch!;
            store = Store!;
            _batch = null;
            Store = null;
        }

        try
        {
            batch.Execute();
        }
        catch (Exception)
        {
            // With no connection to write to, StackExchange.Redis fails every command of the batch (each
            // caller sees it, as it would for a command sent alone) and then throws as well. Thrown from a
            // work item, that would end the process; a command it did not fail ends at its caller's budget.
        }
        finally
        {
            store.BatchSent(_queuedAt);
        }
    }
}
