using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public sealed class AuditTests
{
    [Fact]
    public async Task EveryMutationRecordsWhoWhatAndFromWhichSurface()
    {
        await using var data = await TestDataDirectory.CreateAsync();
        var actor = new Actor("release-manager", "ui");

        await data.Get<ChannelService>().CreateAsync("stable", false, actor, CancellationToken.None);
        await data.Get<DeviceService>().CreateAsync("stable", "mako", false, actor, CancellationToken.None);
        await data.Get<ChannelService>().SetHiddenAsync("stable", true, actor, CancellationToken.None);
        await data.Get<ChannelService>().CreateAsync("stable", false, actor, CancellationToken.None);

        await using var db = await data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var entries = await db.AuditEntries.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["create-channel", "create-device", "hide-channel"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("release-manager", "ui", "stable"), (e.Actor, e.Surface, e.Channel)));
        Assert.Equal("stable/mako", entries[1].Target);
    }
}
