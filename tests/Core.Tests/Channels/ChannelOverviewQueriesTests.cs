using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Tests.Images;
using Xunit;

namespace SystemImage.Core.Tests.Channels;

public static class ChannelOverviewQueriesTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Channels devel (mako) and stable (flo, mako), no images.</summary>
    public abstract class Facts : IAsyncLifetime
    {
        private ImageFixture? _f;

        private protected ImageFixture F => _f!;

        protected ChannelOverviewQueries Queries => F.Data.Get<ChannelOverviewQueries>();

        public async Task InitializeAsync() => _f = await ImageFixture.CreateAsync(("devel", ["mako"]), ("stable", ["flo", "mako"]));

        public async Task DisposeAsync() => await F.DisposeAsync();
    }

    public sealed class ListAsync : Facts
    {
        [Fact]
        public async Task GivesEveryChannelItsKindAndEachDevicesLatestFullImageWithItsPhasedPercentage()
        {
            var f = F;
            Assert.True((await f.PublishBuildAsync("stable", "mako", 1)).Succeeded);
            Assert.True((await f.PublishBuildAsync("stable", "mako", 2, percentage: 40)).Succeeded);
            Assert.True((await f.PublishBuildAsync("devel", "mako", 3)).Succeeded);
            var channels = f.Data.Get<ChannelService>();
            Assert.True((await channels.CreateAliasAsync("daily", "devel", ImageFixture.Tester, None)).Succeeded);
            Assert.True((await channels.CreateRedirectAsync("old", "stable", ImageFixture.Tester, None)).Succeeded);
            Assert.True((await channels.CreateAsync("rc", true, ImageFixture.Tester, None)).Succeeded);
            Assert.True((await f.Data.Get<DeviceService>().CreateRedirectAsync("rc", "mako", "stable", ImageFixture.Tester, None)).Succeeded);

            var overview = await Queries.ListAsync(None);

            Assert.Equal(["daily", "devel", "old", "rc", "stable"], overview.Select(c => c.Name));
            Assert.Equal(["alias", "manual", "redirect", "manual", "manual"], overview.Select(c => c.Kind));
            var stable = overview.Single(c => c.Name == "stable");
            Assert.Equal(["flo", "mako"], stable.Devices.Select(d => d.Name));
            Assert.Equal((null, null, 0), (stable.Devices[0].LatestVersion, stable.Devices[0].PhasedPercentage, stable.Devices[0].FullImages));
            Assert.Equal((2, 40, 2), (stable.Devices[1].LatestVersion, stable.Devices[1].PhasedPercentage, stable.Devices[1].FullImages));
            Assert.Equal((1, 100), (overview.Single(c => c.Name == "devel").Devices.Single().LatestVersion, overview.Single(c => c.Name == "devel").Devices.Single().PhasedPercentage));
            var daily = overview.Single(c => c.Name == "daily");
            Assert.Equal(("devel", 1), (daily.Alias, daily.Devices.Single().LatestVersion));
            var old = overview.Single(c => c.Name == "old");
            Assert.Equal(("stable", true), (old.Redirect, old.Hidden));
            Assert.Empty(old.Devices);
            var rc = overview.Single(c => c.Name == "rc").Devices.Single();
            Assert.Equal(("stable", 2, 40), (rc.Redirect, rc.LatestVersion, rc.PhasedPercentage));
            Assert.All(overview, c => Assert.Null(c.ActiveImport));
        }

        [Fact]
        public async Task ShowsAnAutomaticChannelsPausedStateAndItsActiveImport()
        {
            var f = F;
            var config = new ImporterConfig
            {
                Type = ChannelType.Auto,
                Paused = true,
                Files =
                [
                    new ImportFile { Name = "ubuntu", Generator = HttpGenerator.GeneratorName, Arguments = ["http://127.0.0.1:9/ubuntu.tar.xz"] },
                    new ImportFile { Name = "version", Generator = VersionGenerator.GeneratorName },
                ],
            };
            Assert.True((await f.Data.Get<ImporterConfigService>().SetAsync("devel", config, ImageFixture.Tester, None)).Succeeded);
            var runs = f.Data.Get<ImportRuns>();
            var queued = await runs.QueueAsync("devel", "import-now", ImageFixture.Tester, None);
            await runs.QueueAsync("", "resign", ImageFixture.Tester, None, ImportRun.ResignKind);

            var overview = await Queries.ListAsync(None);

            var devel = overview.Single(c => c.Name == "devel");
            Assert.Equal(("auto", true), (devel.Kind, devel.ImportPaused));
            Assert.Equal(new ActiveImport(queued, ImportRunState.Queued), devel.ActiveImport);
            Assert.Null(overview.Single(c => c.Name == "stable").ActiveImport);
        }
    }

    public sealed class FindOrNullAsync : Facts
    {
        [Fact]
        public async Task GivesOneChannelOrNullWhenItDoesNotExist()
        {
            Assert.True((await F.PublishBuildAsync("devel", "mako", 7)).Succeeded);
            Assert.True((await F.PublishBuildAsync("devel", "mako", 8)).Succeeded);

            var devel = await Queries.FindOrNullAsync("devel", None);

            Assert.Equal(("devel", 2), (devel!.Name, devel.Devices.Single().LatestVersion));
            Assert.Null(await Queries.FindOrNullAsync("nowhere", None));
        }
    }
}
