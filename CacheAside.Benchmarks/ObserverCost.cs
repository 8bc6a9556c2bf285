using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CacheAside.Interception;
using CacheAside.Interception.Internal.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CacheAside.Benchmarks;

/// <summary>
/// What reporting one call costs: every intercepted call ends in <c>CacheAsideTelemetry.Completed</c>,
/// which feeds observers, metrics, spans and logs. With nobody listening it must cost next to nothing; the
/// other cases show what a listener adds. A Redis hit on loopback takes tens of microseconds, for scale.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet owns the instance; GlobalCleanup disposes the listener.")]
public class ObserverCost
{
    private const string Method = "IProductRepository.GetById(int)";
    private const string Key = "cacheaside:v1:product:42";

    private CacheAsideTelemetry _nobody = null!;
    private CacheAsideTelemetry _observer = null!;
    private MeterListener? _listener;
    private ActivityListener? _tracer;

    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithId("short"));
        BenchmarkRunner.Run<ObserverCost>(config, args);
        return 0;
    }

    [GlobalSetup(Targets = [nameof(NobodyListens), nameof(OneObserver)])]
    public void Setup()
    {
        // Tracing wired in as RegisterCacheAside wires it: with no listener on the source it must add nothing.
        var tracing = new CacheAsideTracing(new CacheAsideOptions());
        _nobody = new CacheAsideTelemetry([], NullLogger.Instance, TimeProvider.System) { Tracing = tracing };
        _observer = new CacheAsideTelemetry([new DiscardingObserver()], NullLogger.Instance, TimeProvider.System) { Tracing = tracing };
    }

    [GlobalSetup(Target = nameof(TracingListening))]
    public void SetupTracer()
    {
        Setup();
        // What an OpenTelemetry tracer provider that samples every span does to the source.
        _tracer = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CacheAsideDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_tracer);
    }

    [GlobalSetup(Target = nameof(MetricsListening))]
    public void SetupListener()
    {
        Setup();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CacheAsideDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _listener.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _tracer?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "nobody listens")]
    public void NobodyListens() =>
        _nobody.Completed(CacheOperation.Read, Method, Key, CacheOutcome.Hit, _nobody.Start(), CacheEventDetails.None);

    [Benchmark(Description = "one observer")]
    public void OneObserver() =>
        _observer.Completed(CacheOperation.Read, Method, Key, CacheOutcome.Hit, _observer.Start(), CacheEventDetails.None);

    [Benchmark(Description = "metrics listener")]
    public void MetricsListening() =>
        _nobody.Completed(CacheOperation.Read, Method, Key, CacheOutcome.Hit, _nobody.Start(), CacheEventDetails.None);

    [Benchmark(Description = "activity listener")]
    public void TracingListening() =>
        _nobody.Completed(CacheOperation.Read, Method, Key, CacheOutcome.Hit, _nobody.Start(), CacheEventDetails.None);

    private sealed class DiscardingObserver : ICacheAsideObserver
    {
        public void OnCall(in CacheAsideEvent cacheEvent)
        {
        }
    }
}
