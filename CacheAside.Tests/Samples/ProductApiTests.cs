using System.Net;
using System.Net.Http.Json;
using CacheAside.Interception;
using CacheAside.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SampleProduct = CacheAside.Samples.ProductApi.Products.Product;
using SampleRepository = CacheAside.Samples.ProductApi.Products.IProductRepository;

namespace CacheAside.Tests.Samples;

/// <summary>
/// The sample API (<c>samples/CacheAside.Samples.ProductApi</c>) booted as it is, with
/// <see cref="WebApplicationFactory{TEntryPoint}"/>, against a private redis-server: only the Redis address and
/// the key prefix are set from outside, through configuration, as a deployment would set them.
/// </summary>
public sealed class ProductApiTests
{
    private RedisServer _redis = null!;
    private RecordingObserver _observer = null!;
    private WebApplicationFactory<SampleRepository> _api = null!;
    private HttpClient _client = null!;
    private StringWriter _console = null!;
    private TextWriter _testConsole = null!;

    [SetUp]
    public void StartApi()
    {
        _redis = RedisServer.Start();
        _observer = new RecordingObserver();
        _testConsole = Console.Out;
        _console = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(_console));
        _api = new WebApplicationFactory<SampleRepository>().WithWebHostBuilder(web =>
        {
            web.UseSetting("CacheAside:RedisConfiguration", _redis.Endpoint);
            web.UseSetting("CacheAside:KeyPrefix", "sample-test:");
            // A process's first Redis commands (JIT, the first script load) can take longer than the sample's
            // 50 ms on a loaded two-core machine, which would be a bypass, by design; these tests are about hits.
            web.UseSetting("CacheAside:RedisTimeout", "00:00:01");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            // Only to watch outcomes; the application registers nothing of the kind itself.
            web.ConfigureServices(services => services.AddSingleton<ICacheAsideObserver>(_observer));
        });
        _client = _api.CreateClient();
    }

    [TearDown]
    public void StopApi()
    {
        _client.Dispose();
        _api.Dispose();
        Console.SetOut(_testConsole);
        _console.Dispose();
        _redis.Dispose();
    }

    [Test]
    public async Task SecondGet_IsAHit_AndAPut_Invalidates_SoTheNextGetSeesTheChange()
    {
        var first = await _client.GetFromJsonAsync<SampleProduct>("/products/1");
        var second = await _client.GetFromJsonAsync<SampleProduct>("/products/1");
        var ttl = await RedisTtlAsync("sample-test:{product:1}");

        var put = await _client.PutAsJsonAsync("/products/1", new { name = "Kettle", price = 24.5m });
        var removed = await RedisTtlAsync("sample-test:{product:1}") is null;
        var third = await _client.GetFromJsonAsync<SampleProduct>("/products/1");

        Assert.That(first, Is.EqualTo(new SampleProduct(1, "Product 1", 11m)));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(ttl, Is.Not.Null.And.InRange(TimeSpan.FromMinutes(4.9), TimeSpan.FromMinutes(5.5)), "the first GET stored the product under the configured prefix, with appsettings.json's DefaultTtl and TtlJitter");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(removed, Is.True, "the PUT deleted the entry once the update succeeded");
        Assert.That(third, Is.EqualTo(new SampleProduct(1, "Kettle", 24.5m)));
        Assert.That(_observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Invalidated, CacheOutcome.Miss }));
    }

    [Test]
    public async Task MissingProduct_IsNotFound()
    {
        var response = await _client.GetAsync(new Uri("/products/1000", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Health_IsHealthy_ThenDegradedWhenRedisStops_AndTheApiKeepsAnswering()
    {
        var healthy = await _client.GetAsync(new Uri("/health", UriKind.Relative));
        var healthyText = await healthy.Content.ReadAsStringAsync();

        _redis.Kill();
        var degraded = await _client.GetAsync(new Uri("/health", UriKind.Relative));
        var degradedText = await degraded.Content.ReadAsStringAsync();
        var product = await _client.GetFromJsonAsync<SampleProduct>("/products/2");
        var put = await _client.PutAsJsonAsync("/products/2", new { name = "Teapot", price = 30m });
        var changed = await _client.GetFromJsonAsync<SampleProduct>("/products/2");

        Assert.That((healthy.StatusCode, healthyText), Is.EqualTo((HttpStatusCode.OK, "Healthy")));
        Assert.That((degraded.StatusCode, degradedText), Is.EqualTo((HttpStatusCode.OK, "Degraded")), "Degraded is not a failure: load balancers keep sending traffic");
        Assert.That(product, Is.EqualTo(new SampleProduct(2, "Product 2", 12m)), "reads are answered by the repository");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), "writes succeed");
        Assert.That(changed, Is.EqualTo(new SampleProduct(2, "Teapot", 30m)));
        Assert.That(_observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Bypass, CacheOutcome.InvalidationFailed, CacheOutcome.Bypass }));
    }

    [Test]
    public async Task OpenTelemetry_PrintsTheCacheSpans_UnderTheRequestSpans()
    {
        await _client.GetAsync(new Uri("/products/3", UriKind.Relative));
        await _client.GetAsync(new Uri("/products/3", UriKind.Relative));

        var printed = _console.ToString();
        Assert.That(printed, Does.Contain("Activity.DisplayName:        cacheaside.read"));
        Assert.That(printed, Does.Contain("cacheaside.outcome: miss").And.Contain("cacheaside.outcome: hit"));
        Assert.That(printed, Does.Contain("Activity.DisplayName:        Microsoft.AspNetCore.Hosting.HttpRequestIn"));
        Assert.That(printed, Does.Not.Contain("product:3"), "no key reaches the exporter");
    }

    /// <summary>The key's time to live in Redis, or <see langword="null"/> when it does not exist.</summary>
    private async Task<TimeSpan?> RedisTtlAsync(string key)
    {
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
        return await redis.GetDatabase().KeyTimeToLiveAsync(key);
    }
}
