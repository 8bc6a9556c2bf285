using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CacheAside.Interception;

namespace CacheAside.Tests.Infrastructure;

/// <summary>Listens to one CacheAside instrument while alive and keeps what it records.</summary>
public sealed class MetricCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _measurements = new();

    public MetricCapture(string instrument)
    {
        _listener.InstrumentPublished = (i, listener) =>
        {
            if (i.Meter.Name == CacheAsideDiagnostics.MeterName && i.Name == instrument)
            {
                listener.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            for (var i = 0; i < value; i++)
            {
                _measurements.Enqueue(copy);
            }
        });
        _listener.Start();
    }

    /// <summary>How many were recorded with <paramref name="tag"/> equal to <paramref name="value"/>.</summary>
    public int Count(string tag, string value) => _measurements.Count(m => m.TryGetValue(tag, out var v) && Equals(v, value));

    /// <summary>How many were recorded with every one of <paramref name="tags"/>.</summary>
    public int Count(params (string Tag, string Value)[] tags) =>
        _measurements.Count(m => tags.All(t => m.TryGetValue(t.Tag, out var v) && Equals(v, t.Value)));

    public int Total => _measurements.Count;

    public void Dispose() => _listener.Dispose();
}
