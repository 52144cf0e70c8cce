using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Rollouts;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Rollouts;

/// <summary>Rollouts over three devices sharing their parts, with a fake clock driving the steps.</summary>
public sealed class RolloutServiceTests : IAsyncLifetime
{
    private const string Channel = "stable";
    private static readonly string[] Fleet = ["flo", "grouper", "mako"];
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    private RolloutService Rollouts => _data.Get<RolloutService>();

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync(services: s => s.AddSingleton<TimeProvider>(_clock));
        // gpgv refuses signatures older than their key, and the test keys may have just been made.
        _clock.SetUtcNow(DateTimeOffset.UtcNow);
        Assert.True((await _data.Get<ChannelService>().CreateAsync(Channel, false, Tester, None)).Succeeded);
        foreach (var device in Fleet)
        {
            Assert.True((await _data.Get<DeviceService>().CreateAsync(Channel, device, false, Tester, None)).Succeeded);
            Assert.True((await PublishAsync(device, 1)).Succeeded);
        }
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _data.DisposeAsync();
    }

    [Fact]
    public async Task StepsRunAsTheClockPassesThemAndTheLastOneCompletesTheRollout()
    {
        var (started, view) = await Rollouts.StartAsync(Channel, "10@now,50@+24h,100@+72h", null, null, Tester, None);

        Assert.True(started.Succeeded, started.Message);
        Assert.Equal(["done", "next", "waiting"], view!.Steps.Select(s => s.Status));
        Assert.Equal([10, 10, 10], Fleet.Select(Percentage));

        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
        Assert.Equal([10, 10, 10], Fleet.Select(Percentage));

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await Rollouts.AdvanceAsync(None));
        Assert.Equal([50, 50, 50], Fleet.Select(Percentage));

        _clock.Advance(TimeSpan.FromHours(48));
        await Rollouts.AdvanceAsync(None);
        Assert.Equal([100, 100, 100], Fleet.Select(Percentage));
        var done = (await Rollouts.GetAsync(Channel, None)).Rollout!;
        Assert.Equal("completed", done.State);
        Assert.All(done.Steps, s => Assert.Equal("done", s.Status));
        Assert.Equal(3, (await AuditAsync("rollout-step")).Count);
        Assert.Single(await AuditAsync("start-rollout"));
    }

    [Fact]
    public async Task AStepThatCameDueWhileTheServerWasDownRunsAtTheNextStartOnce()
    {
        await Rollouts.StartAsync(Channel, "10@now,50@+24h,80@+48h,100@+96h", null, ["flo", "mako"], Tester, None);

        // Down for three days: the 50% and 80% steps both came due; the first pass (as at start-up) runs the 80% one.
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await Rollouts.AdvanceAsync(None));

        Assert.Equal([80, 100, 80], Fleet.Select(Percentage));
        Assert.Equal(["done", "done", "done", "next"], (await Rollouts.GetAsync(Channel, None)).Rollout!.Steps.Select(s => s.Status));
        Assert.Equal(2, (await AuditAsync("rollout-step")).Count);
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
    }

    [Fact]
    public async Task StepsWaitForTheWindow()
    {
        // A Monday 06:00 UTC after now; the window opens at 08:00 on weekdays.
        var monday = _clock.GetUtcNow().UtcDateTime.Date.AddDays(1);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }

        _clock.SetUtcNow(new DateTimeOffset(monday.AddHours(6), TimeSpan.Zero));
        var (_, view) = await Rollouts.StartAsync(Channel, "20@now,100@+4d", "Mon-Fri 08-17", null, Tester, None);

        Assert.Equal(["next", "waiting"], view!.Steps.Select(s => s.Status));
        Assert.Equal(new DateTimeOffset(monday.AddHours(8), TimeSpan.Zero), view.NextStepAt);
        Assert.Equal([100, 100, 100], Fleet.Select(Percentage));

        _clock.Advance(TimeSpan.FromHours(2));
        await Rollouts.AdvanceAsync(None);
        Assert.Equal([20, 20, 20], Fleet.Select(Percentage));

        // Due on Friday 08:00, but Friday 17:00 comes first: the weekend passes and Monday 08:00 runs it.
        _clock.SetUtcNow(new DateTimeOffset(monday.AddDays(4).AddHours(17), TimeSpan.Zero));
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
        _clock.SetUtcNow(new DateTimeOffset(monday.AddDays(5).AddHours(12), TimeSpan.Zero));
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
        Assert.Equal([20, 20, 20], Fleet.Select(Percentage));
        _clock.SetUtcNow(new DateTimeOffset(monday.AddDays(7).AddHours(8), TimeSpan.Zero));
        Assert.Equal(1, await Rollouts.AdvanceAsync(None));
        Assert.Equal([100, 100, 100], Fleet.Select(Percentage));
    }

    [Fact]
    public async Task PausedStepsWaitAndRunOnResume()
    {
        await Rollouts.StartAsync(Channel, "10@now,50@+1h", null, null, Tester, None);
        var (paused, view) = await Rollouts.PauseAsync(Channel, Tester, None);
        Assert.True(paused.Succeeded, paused.Message);
        Assert.Equal(["done", "paused"], view!.Steps.Select(s => s.Status));

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
        Assert.Equal([10, 10, 10], Fleet.Select(Percentage));
        Assert.Equal(OperationStatus.Conflict, (await Rollouts.PauseAsync(Channel, Tester, None)).Result.Status);

        var (resumed, after) = await Rollouts.ResumeAsync(Channel, Tester, None);
        Assert.True(resumed.Succeeded, resumed.Message);
        Assert.Equal("completed", after!.State);
        Assert.Equal([50, 50, 50], Fleet.Select(Percentage));
    }

    [Fact]
    public async Task HaltSetsZeroOnEveryDeviceInOneChangeAndTheSignedIndexesShowIt()
    {
        await Rollouts.StartAsync(Channel, "10@now,50@+24h", null, null, Tester, None);

        Assert.Equal(OperationStatus.Invalid, (await Rollouts.HaltAsync(Channel, " ", Tester, None)).Result.Status);
        var (halted, view) = await Rollouts.HaltAsync(Channel, "boot loop on mako", Tester, None);

        Assert.True(halted.Succeeded, halted.Message);
        Assert.Equal(("halted", "boot loop on mako"), (view!.State, view.EndReason));
        Assert.Equal(["done", "halted"], view.Steps.Select(s => s.Status));
        var keyring = TreeAssert.ReadTarXz(_data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        foreach (var device in Fleet)
        {
            Assert.Equal(0, Percentage(device));
            var verified = _gpg.Verify(keyring, File.ReadAllBytes(_data.File($"/{Channel}/{device}/index.json.asc")), File.ReadAllBytes(_data.File($"/{Channel}/{device}/index.json")));
            Assert.True(verified.IsValid, verified.Output);
        }

        var entry = Assert.Single(await AuditAsync("halt-rollout"));
        Assert.Equal("flo 1 at 10%, grouper 1 at 10%, mako 1 at 10%", entry.Before);
        Assert.Equal("flo 1 at 0%, grouper 1 at 0%, mako 1 at 0% (halted: boot loop on mako)", entry.After);

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await Rollouts.AdvanceAsync(None));
        Assert.Equal([0, 0, 0], Fleet.Select(Percentage));
        Assert.Equal(OperationStatus.NotFound, (await Rollouts.ResumeAsync(Channel, Tester, None)).Result.Status);
    }

    [Fact]
    public async Task ANewerPublishOfACoveredDeviceSupersedesTheRollout()
    {
        await Rollouts.StartAsync(Channel, "10@now,100@+1d", null, null, Tester, None);

        Assert.True((await PublishAsync("mako", 2)).Succeeded);
        Assert.Equal("superseded", (await Rollouts.GetAsync(Channel, None)).Rollout!.State);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await Rollouts.AdvanceAsync(None));
        var view = (await Rollouts.GetAsync(Channel, None)).Rollout!;
        Assert.Equal(("superseded", "superseded: mako has version 2"), (view.State, view.EndReason));
        Assert.Equal([10, 10, 100], Fleet.Select(Percentage));
        Assert.Single(await AuditAsync("supersede-rollout"));

        var (again, _) = await Rollouts.StartAsync(Channel, "50@now", null, null, Tester, None);
        Assert.True(again.Succeeded, again.Message);
        Assert.Equal([50, 50, 50], Fleet.Select(Percentage));
    }

    [Fact]
    public async Task RefusesBadStepsWindowsASecondRolloutAndUnknownChannels()
    {
        Assert.Equal(OperationStatus.Invalid, (await Rollouts.StartAsync(Channel, "10@soon", null, null, Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Rollouts.StartAsync(Channel, "101@now", null, null, Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Rollouts.StartAsync(Channel, "50@+2d,100@+1d", null, null, Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.Invalid, (await Rollouts.StartAsync(Channel, "10@now", "Mon-Fry 08-17", null, Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.NotFound, (await Rollouts.StartAsync("nowhere", "10@now", null, null, Tester, None)).Result.Status);
        Assert.Equal(OperationStatus.NotFound, (await Rollouts.GetAsync(Channel, None)).Result.Status);
        Assert.Equal(OperationStatus.NotFound, (await Rollouts.PauseAsync(Channel, Tester, None)).Result.Status);

        Assert.True((await Rollouts.StartAsync(Channel, "10@now,100@+1d", null, null, Tester, None)).Result.Succeeded);
        Assert.Equal(OperationStatus.Conflict, (await Rollouts.StartAsync(Channel, "10@now", null, null, Tester, None)).Result.Status);
    }

    private Task<OperationResult> PublishAsync(string device, int build)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_data.Path, $"rootfs-{build}.tar.gz"), build);
        return _data.Get<ImageService>().PublishAsync(new PublishImageRequest(Channel, device, [new PartInput("ubuntu", file)]), Tester, None);
    }

    /// <summary>The phased percentage of the device's latest version in its published index (100 when absent).</summary>
    private int Percentage(string device)
    {
        var images = TreeAssert.ReadJson(_data, $"/{Channel}/{device}/index.json")["images"]!.AsArray();
        var latest = images.MaxBy(i => i!["version"]!.GetValue<int>())!;
        return latest["phased-percentage"]?.GetValue<int>() ?? 100;
    }

    private async Task<List<Persistence.Entities.AuditEntry>> AuditAsync(string action)
    {
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Action == action).ToListAsync();
    }
}
