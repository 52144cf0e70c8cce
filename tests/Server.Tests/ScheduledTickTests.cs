using Microsoft.Extensions.DependencyInjection;
using SystemImage.Server.Jobs;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// A scheduled import runs once per tick even when Hangfire enqueues a tick twice (it promises at least once, and with
/// several nodes it sometimes does): the first job of a tick claims it in the jobs' storage, the others do nothing.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ScheduledTickTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string EveryTwoSeconds = "*/2 * * * * *";
    private static readonly DateTime Tick = new(2026, 12, 6, 12, 0, 40, DateTimeKind.Utc);

    private ImportJob Job() => ActivatorUtilities.CreateInstance<ImportJob>(server.Services);

    [Fact]
    public async Task TwoJobsOfOneTickAtOnceGiveOneRun()
    {
        using var start = new ManualResetEventSlim();
        var claims = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
        {
            start.Wait();
            return Job().ClaimTick("together", EveryTwoSeconds, Tick.AddMilliseconds(391 + i));
        })).ToList();
        start.Set();

        Assert.Equal(1, (await Task.WhenAll(claims)).Count(claimed => claimed));
    }

    [Fact]
    public void EachTickIsClaimedOnceAndALateCopyOfAnEarlierTickNotAtAll()
    {
        Assert.True(Job().ClaimTick("ticking", EveryTwoSeconds, Tick.AddMilliseconds(391)));
        Assert.False(Job().ClaimTick("ticking", EveryTwoSeconds, Tick.AddMilliseconds(397)));
        Assert.True(Job().ClaimTick("ticking", EveryTwoSeconds, Tick.AddSeconds(2).AddMilliseconds(479)));
        Assert.False(Job().ClaimTick("ticking", EveryTwoSeconds, Tick.AddMilliseconds(500)));
        // Another channel's ticks are its own.
        Assert.True(Job().ClaimTick("other", EveryTwoSeconds, Tick.AddMilliseconds(391)));
    }
}
