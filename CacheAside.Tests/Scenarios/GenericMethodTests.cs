using CacheAside.Interception;
using CacheAside.Tests.Fakes;
using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Scenarios;

/// <summary>Generic methods are cached per instantiation: Load&lt;Invoice&gt; and Load&lt;Customer&gt; never share an entry.</summary>
public sealed class GenericMethodTests
{
    [Test]
    public async Task GenericRead_IsCachedPerTypeArgument()
    {
        var store = new DocumentStore();
        await store.SaveAsync("7", new Invoice("INV-7", 70m));
        await store.SaveAsync("7", new Customer("Ada"));
        using var harness = CacheAsideHarness<IDocumentStore>.Create(store);

        var invoice = await harness.Service.LoadAsync<Invoice>("7");
        var customer = await harness.Service.LoadAsync<Customer>("7");
        var invoiceAgain = await harness.Service.LoadAsync<Invoice>("7");
        var customerAgain = await harness.Service.LoadAsync<Customer>("7");

        Assert.That(invoiceAgain, Is.EqualTo(invoice).And.EqualTo(new Invoice("INV-7", 70m)));
        Assert.That(customerAgain, Is.EqualTo(customer).And.EqualTo(new Customer("Ada")));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[] { CacheOutcome.Miss, CacheOutcome.Miss, CacheOutcome.Hit, CacheOutcome.Hit }));
        Assert.That(harness.Redis.KeyExists(harness.Key("document:CacheAside.Tests.Fakes.Invoice@CacheAside.Tests:7")), Is.True);
    }

    [Test]
    public void GenericRead_WithTheDefaultKey_IsCachedPerTypeArgument()
    {
        var store = new DocumentStore();
        using var harness = CacheAsideHarness<IDocumentStore>.Create(store);
        store.SaveAsync("1", new Invoice("INV-1", 1m));
        store.SaveAsync("1", new Customer("Grace"));

        var invoice = harness.Service.Load<Invoice>("1");
        var customer = harness.Service.Load<Customer>("1");
        harness.Service.Load<Invoice>("1");

        Assert.That(invoice, Is.EqualTo(new Invoice("INV-1", 1m)));
        Assert.That(customer, Is.EqualTo(new Customer("Grace")));
        Assert.That(store.Loads, Is.EqualTo(2));
        Assert.That(harness.Observer.Events.Select(e => e.Key).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public async Task GenericWrite_InvalidatesTheEntryOfItsTypeArgumentOnly()
    {
        var store = new DocumentStore();
        await store.SaveAsync("3", new Invoice("INV-3", 3m));
        await store.SaveAsync("3", new Customer("Linus"));
        using var harness = CacheAsideHarness<IDocumentStore>.Create(store);
        await harness.Service.LoadAsync<Invoice>("3");
        await harness.Service.LoadAsync<Customer>("3");

        await harness.Service.SaveAsync("3", new Invoice("INV-3", 33m));
        var invoice = await harness.Service.LoadAsync<Invoice>("3");
        await harness.Service.LoadAsync<Customer>("3");

        Assert.That(invoice!.Total, Is.EqualTo(33m));
        Assert.That(harness.Observer.Outcomes, Is.EqualTo(new[]
        {
            CacheOutcome.Miss, CacheOutcome.Miss, CacheOutcome.Invalidated, CacheOutcome.Miss, CacheOutcome.Hit,
        }));
    }
}
