using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Tests.Diagnostics;
using SystemImage.Core.Tests.Images;
using SystemImage.Core.Tests.Importing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Audit;

/// <summary>A change that leaves everything as it was (100% → 100%, the same tag, the same settings) is neither audited nor published.</summary>
public sealed class NoOpChangeTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Tester = ImageFixture.Tester;

    public sealed class SetPhasedPercentage
    {
        [Fact]
        public async Task SettingTheSamePercentageRecordsAndPublishesNothing()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            var editor = f.Data.Get<ImageEditor>();

            var (result, entries, publishes) = await WatchAsync(f.Data, () => editor.SetPhasedPercentageAsync("stable", "mako", 1, 100, Tester, None));

            Assert.True(result.Succeeded, result.Message);
            Assert.Equal("Nothing changed: version 1 of stable/mako already is phased at 100%.", result.Message);
            Assert.Empty(entries);
            Assert.Equal(0, publishes);
        }

        [Fact]
        public async Task AChangedPercentageIsRecordedOnceAndRepeatingItIsNot()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            var editor = f.Data.Get<ImageEditor>();

            var (_, first, firstPublishes) = await WatchAsync(f.Data, () => editor.SetPhasedPercentageAsync("stable", "mako", 1, 50, Tester, None));
            var (again, second, secondPublishes) = await WatchAsync(f.Data, () => editor.SetPhasedPercentageAsync("stable", "mako", 1, 50, Tester, None));

            Assert.Equal(["set-phased-percentage: version 1 at 100% → version 1 at 50%"], first);
            Assert.Equal(1, firstPublishes);
            Assert.True(again.Succeeded);
            Assert.Empty(second);
            Assert.Equal(0, secondPublishes);
            Assert.Equal(50, f.Images("stable", "mako")[0]!["phased-percentage"]!.GetValue<int>());
        }
    }

    public sealed class SetDescription
    {
        [Fact]
        public async Task TheSameDescriptionIsNotRecordedButANewOneIs()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            var editor = f.Data.Get<ImageEditor>();
            var translations = new Dictionary<string, string> { ["de"] = "Korrekturen" };
            await editor.SetDescriptionAsync("stable", "mako", 1, "Fixes", translations, Tester, None);

            var (same, unchanged, noPublish) = await WatchAsync(f.Data, () => editor.SetDescriptionAsync("stable", "mako", 1, "Fixes", translations, Tester, None));
            var (sameText, keptTranslations, _) = await WatchAsync(f.Data, () => editor.SetDescriptionAsync("stable", "mako", 1, "Fixes", null, Tester, None));
            var (_, changed, publishes) = await WatchAsync(
                f.Data, () => editor.SetDescriptionAsync("stable", "mako", 1, "Fixes", new Dictionary<string, string> { ["de"] = "Fehlerbehebungen" }, Tester, None));

            Assert.Equal("Nothing changed: version 1 of stable/mako already has this description.", same.Message);
            Assert.Empty(unchanged);
            Assert.Equal(0, noPublish);
            Assert.True(sameText.Succeeded);
            Assert.Empty(keptTranslations);
            Assert.Equal(["set-description: version 1: 'Fixes', de 'Korrekturen' → version 1: 'Fixes', de 'Fehlerbehebungen'"], changed);
            Assert.Equal(1, publishes);
        }
    }

    public sealed class Tag
    {
        [Fact]
        public async Task TaggingTheLatestVersionWithItsOwnTagPublishesNoNewVersion()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            var copies = f.Data.Get<ImageCopyService>();
            var tagged = await copies.TagAsync("stable", "mako", 1, "OTA-1", Tester, None);
            Assert.True(tagged.Succeeded, tagged.Message);

            var (again, entries, publishes) = await WatchAsync(f.Data, () => copies.TagAsync("stable", "mako", 2, "OTA-1", Tester, None));

            Assert.True(again.Succeeded, again.Message);
            Assert.Equal("Nothing changed: version 2 of stable/mako is the latest and already is tagged 'OTA-1'.", again.Message);
            Assert.Empty(entries);
            Assert.Equal(0, publishes);
            Assert.Equal(["full 1", "full 2"], f.Entries("stable", "mako").Where(e => e.StartsWith("full", StringComparison.Ordinal)));
        }

        [Fact]
        public async Task ANewTagOrAnOlderVersionStillPublishes()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            var copies = f.Data.Get<ImageCopyService>();
            await copies.TagAsync("stable", "mako", 1, "OTA-1", Tester, None);

            var (_, renamed, _) = await WatchAsync(f.Data, () => copies.TagAsync("stable", "mako", 2, "OTA-1.1", Tester, None));
            var (_, older, _) = await WatchAsync(f.Data, () => copies.TagAsync("stable", "mako", 2, "OTA-1", Tester, None));

            Assert.Single(renamed);
            Assert.Single(older);
        }
    }

    public sealed class ChannelSettings
    {
        [Fact]
        public async Task HidingAHiddenChannelAndRetargetingAnAliasToItsTargetRecordNothing()
        {
            await using var data = await TestDataDirectory.CreateAsync();
            var channels = data.Get<ChannelService>();
            await channels.CreateAsync("stable", true, Tester, None);
            await channels.CreateAsync("devel", false, Tester, None);
            await channels.CreateAliasAsync("current", "stable", Tester, None);

            var (hidden, hideEntries, hidePublishes) = await WatchAsync(data, () => channels.SetHiddenAsync("stable", true, Tester, None));
            var (aliased, aliasEntries, aliasPublishes) = await WatchAsync(data, () => channels.RetargetAliasAsync("current", "stable", Tester, None));
            var (_, moved, _) = await WatchAsync(data, () => channels.RetargetAliasAsync("current", "devel", Tester, None));

            Assert.Equal("Channel 'stable' is already hidden.", hidden.Message);
            Assert.Equal("Nothing changed: alias 'current' already points at 'stable'.", aliased.Message);
            Assert.Empty(hideEntries.Concat(aliasEntries));
            Assert.Equal(0, hidePublishes + aliasPublishes);
            Assert.Equal(["retarget-alias: alias of stable → alias of devel"], moved);
        }
    }

    public sealed class ImporterConfiguration
    {
        [Fact]
        public async Task SavingTheSameSettingsAgainRecordsNothing()
        {
            await using var f = await ImportFixture.CreateAsync();
            await f.CreateAsync("devel", "mako");
            var configs = f.Data.Get<ImporterConfigService>();
            var config = f.Auto(fullCount: 2) with { Schedule = "0 3 * * *" };
            Assert.True((await configs.SetAsync("devel", config, Tester, None)).Succeeded);

            var (same, entries, publishes) = await WatchAsync(f.Data, () => configs.SetAsync("devel", config with { Schedule = " 0 3 * * * " }, Tester, None));
            var (paused, pauseEntries, _) = await WatchAsync(f.Data, () => configs.SetPausedAsync("devel", false, Tester, None));
            var (_, changed, _) = await WatchAsync(f.Data, () => configs.SetAsync("devel", config with { FullCount = 3 }, Tester, None));

            Assert.True(same.Succeeded, same.Message);
            Assert.StartsWith("Nothing changed: the importer configuration of devel already is auto,", same.Message, StringComparison.Ordinal);
            Assert.Empty(entries);
            Assert.Equal(0, publishes);
            Assert.Equal("Imports of devel already are running.", paused.Message);
            Assert.Empty(pauseEntries);
            Assert.Contains("fullCount 2", Assert.Single(changed), StringComparison.Ordinal);
        }
    }

    public sealed class PhaseChannel
    {
        [Fact]
        public async Task PhasingAChannelWhoseDevicesAreAlreadyThereRecordsAndPublishesNothing()
        {
            await using var f = await ImageFixture.CreateAsync(("stable", ["mako", "flo"]));
            await f.PublishBuildAsync("stable", "mako", 1);
            await f.PublishBuildAsync("stable", "flo", 1);
            var phasing = f.Data.Get<ChannelPhasing>();

            var ((result, devices), entries, publishes) = await WatchAsync(f.Data, () => phasing.SetAsync("stable", 100, null, Tester, None));

            Assert.True(result.Succeeded, result.Message);
            Assert.StartsWith("Phased 0 of 2 device(s) of stable at 100%", result.Message, StringComparison.Ordinal);
            Assert.All(devices, d => Assert.StartsWith("unchanged", d.Outcome, StringComparison.Ordinal));
            Assert.Empty(entries);
            Assert.Equal(0, publishes);
        }
    }

    /// <summary>Runs <paramref name="change"/> and returns its outcome, the audit entries it added (action: detail) and how many publishes it ran.</summary>
    private static async Task<(T Result, List<string> Entries, int Publishes)> WatchAsync<T>(TestDataDirectory data, Func<Task<T>> change)
    {
        var factory = data.Get<IDbContextFactory<SystemImageDbContext>>();
        long last;
        await using (var db = await factory.CreateDbContextAsync())
        {
            last = await db.AuditEntries.MaxAsync(e => (long?)e.Id) ?? 0;
        }

        using var recorder = new MeasurementRecorder(data.Get<IMeterFactory>());
        var result = await change();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var added = await db.AuditEntries.Where(e => e.Id > last).OrderBy(e => e.Id).Select(e => e.Action + ": " + e.Detail).ToListAsync();
            Assert.Empty(await db.PendingPublishes.ToListAsync());
            return (result, added, recorder.Of("publish_duration_seconds").Count);
        }
    }
}
