using CacheAside.Tests.Infrastructure;

namespace CacheAside.Tests.Keys;

/// <summary>
/// A <see cref="DateTime"/> renders as its wall-clock time with what tells its instant apart: <c>Z</c> for UTC, nothing
/// for an unspecified kind, and for local time the offset it had in the process's zone. <see cref="DateTime.Equals(DateTime)"/>
/// compares ticks only, yet a repository can read the kind (<c>at.Kind</c>, <c>at.ToUniversalTime()</c>): two values the
/// key counts as equal have the same ticks, the same kind and, for local time, the same instant.
/// </summary>
public sealed class LocalTimeKeyTests
{
    private const string Zone = "America/New_York";

    // Set in the test host that runs a test in Zone.
    private const string InZone = "CACHEASIDE_TEST_IN_ZONE";

    [Test]
    public void OneWallClockTime_OfEachKind_GetsItsOwnKey()
    {
        var ticks = new DateTime(2026, 11, 1, 1, 30, 0).Ticks;

        var keys = new[] { DateTimeKind.Utc, DateTimeKind.Local, DateTimeKind.Unspecified }
            .Select(kind => KeyProbe.KeyOf(p => p.At(new DateTime(ticks, kind))))
            .ToList();

        Assert.That(keys, Is.Unique);
    }

    [Test]
    public async Task TwoInstantsOfTheAmbiguousHour_GetTwoKeys_InAZoneThatLeavesDaylightSavingTime()
    {
        if (Environment.GetEnvironmentVariable(InZone) is null)
        {
            // The local zone is the process's: the test runs again in a test host of its own, whose zone has daylight saving time.
            var (exit, output) = await DotnetCli.RunAsync(
                AppContext.BaseDirectory,
                new Dictionary<string, string> { ["TZ"] = Zone, [InZone] = "1" },
                TimeSpan.FromMinutes(2),
                "test", typeof(LocalTimeKeyTests).Assembly.Location, "--filter", $"FullyQualifiedName={typeof(LocalTimeKeyTests).FullName}.{nameof(TwoInstantsOfTheAmbiguousHour_GetTwoKeys_InAZoneThatLeavesDaylightSavingTime)}");

            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Match(@"Failed:\s+0, Passed:\s+1,"), output);
            return;
        }

        // 01:30 on the first Sunday of November happens twice in New York: at 05:30 and at 06:30 UTC.
        var daylight = new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc).ToLocalTime();
        var standard = new DateTime(2026, 11, 1, 6, 30, 0, DateTimeKind.Utc).ToLocalTime();
        Assert.That(TimeZoneInfo.Local.IsAmbiguousTime(daylight) && daylight == standard, Is.True, $"the local zone is {TimeZoneInfo.Local.Id}, not one that repeats 01:30");

        var (daylightKey, standardKey) = (KeyProbe.KeyOf(p => p.At(daylight)), KeyProbe.KeyOf(p => p.At(standard)));
        var again = KeyProbe.KeyOf(p => p.At(new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc).ToLocalTime()));

        Assert.That(daylightKey, Does.EndWith(":2026-11-01T01\\:30\\:00.0000000-04\\:00}"));
        Assert.That(standardKey, Does.EndWith(":2026-11-01T01\\:30\\:00.0000000-05\\:00}"));
        Assert.That(again, Is.EqualTo(daylightKey));
    }
}
