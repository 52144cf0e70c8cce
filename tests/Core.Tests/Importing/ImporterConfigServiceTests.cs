using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

public sealed class ImporterConfigServiceTests : IAsyncLifetime
{
    private ImportFixture _f = null!;

    private ImporterConfigService Configs => _f.Data.Get<ImporterConfigService>();

    public async Task InitializeAsync()
    {
        _f = await ImportFixture.CreateAsync();
        await _f.CreateAsync("devel", "mako");
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    public static TheoryData<string, string> BadConfigs() => new()
    {
        { "unknown-generator", "unknown generator 'cdimage-nothing'" },
        { "missing-argument", "file 'ubuntu': needs exactly one argument" },
        { "version-with-arguments", "the version generator takes no arguments" },
        { "bad-cron", "'every day' is not a valid cron expression" },
        { "unknown-delta-base", "delta base 'nowhere' is not a channel" },
        { "version-not-last", "file 'version': the version file must come last" },
        { "bad-part-name", "Ubuntu" },
        { "duplicate", "file 'ubuntu' is given more than once" },
        { "no-files", "needs at least one file" },
        { "version-base", "versionBase 70000 is out of range" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task RefusesABadConfigurationWithAClearErrorAndChangesNothing(string kind, string expected)
    {
        var good = _f.Auto();
        var config = kind switch
        {
            "unknown-generator" => good with { Files = [good.Files[0] with { Generator = "cdimage-nothing" }, good.Files[2]] },
            "missing-argument" => good with { Files = [good.Files[0] with { Arguments = [] }, good.Files[2]] },
            "version-with-arguments" => good with { Files = [good.Files[0], good.Files[2] with { Arguments = ["x"] }] },
            "bad-cron" => good with { Schedule = "every day" },
            "unknown-delta-base" => good with { DeltaBases = ["devel", "nowhere"] },
            "version-not-last" => good with { Files = [good.Files[2], good.Files[0]] },
            "bad-part-name" => good with { Files = [good.Files[0] with { Name = "Ubuntu" }, good.Files[2]] },
            "duplicate" => good with { Files = [good.Files[0], good.Files[0], good.Files[2]] },
            "no-files" => good with { Files = [] },
            "version-base" => good with { VersionBase = 70000 },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var result = await Configs.SetAsync("devel", config, ImportFixture.Tester, CancellationToken.None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains(expected, result.Message);
        Assert.Equal(ChannelType.Manual, (await Configs.GetAsync("devel", CancellationToken.None))!.Type);
    }

    [Fact]
    public async Task SavesReadsBackPausesAndResumes()
    {
        var config = _f.Auto(fullCount: 3) with { Schedule = "*/15 * * * *" };

        Assert.True((await Configs.SetAsync("devel", config, ImportFixture.Tester, CancellationToken.None)).Succeeded);
        var saved = (await Configs.GetAsync("devel", CancellationToken.None))!;
        Assert.Equal((ChannelType.Auto, 3, "*/15 * * * *"), (saved.Type, saved.FullCount, saved.Schedule));
        Assert.Equal(config.Files.Select(f => f.ToString()), saved.Files.Select(f => f.ToString()));

        Assert.Contains("Paused", (await Configs.SetPausedAsync("devel", true, ImportFixture.Tester, CancellationToken.None)).Message);
        Assert.True((await Configs.GetAsync("devel", CancellationToken.None))!.Paused);
        Assert.Contains("Resumed", (await Configs.SetPausedAsync("devel", false, ImportFixture.Tester, CancellationToken.None)).Message);
    }

    [Fact]
    public async Task AnAliasCannotImport()
    {
        Assert.True((await _f.Data.Get<SystemImage.Core.Channels.ChannelService>().CreateAliasAsync("daily", "devel", ImportFixture.Tester, CancellationToken.None)).Succeeded);

        var result = await Configs.SetAsync("daily", _f.Auto(), ImportFixture.Tester, CancellationToken.None);

        Assert.Equal(OperationStatus.Conflict, result.Status);
        Assert.Contains("alias of 'devel' cannot import", result.Message);
    }

    [Fact]
    public async Task ImportsAClassicIniCreatingTheListedChannels()
    {
        var ubuntu = _f.Inputs("ubuntu");
        var ini = $"""
            [global]
            channels = devel, proposed, stable
            [channel_proposed]
            type = auto
            fullcount = 4
            deltabase = proposed, stable
            files = ubuntu, version
            file_ubuntu = {TarballDirectoryGenerator.GeneratorName};{ubuntu}
            file_version = version
            schedule = 0 */6 * * *
            """;

        var imported = await Configs.ImportIniAsync(ini, ImportFixture.Tester, CancellationToken.None);
        var result = imported.Result;

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("Created proposed, stable", result.Message);
        Assert.Equal(["proposed", "stable"], imported.Created);
        var proposed = (await Configs.GetAsync("proposed", CancellationToken.None))!;
        Assert.Equal((ChannelType.Auto, 4, "0 */6 * * *"), (proposed.Type, proposed.FullCount, proposed.Schedule));
        Assert.Equal(ChannelType.Manual, (await Configs.GetAsync("stable", CancellationToken.None))!.Type);
    }

    [Fact]
    public async Task ARefusedIniCreatesNoChannel()
    {
        var ini = """
            [global]
            channels = devel, proposed
            [channel_proposed]
            type = auto
            files = ubuntu
            file_ubuntu = no-such-generator;x
            """;

        var result = (await Configs.ImportIniAsync(ini, ImportFixture.Tester, CancellationToken.None)).Result;

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains("unknown generator 'no-such-generator'", result.Message);
        Assert.Null(await Configs.GetAsync("proposed", CancellationToken.None));
    }

    [Fact]
    public void CronScheduleGivesTheNextRuns()
    {
        var next = CronSchedule.Next("0 */6 * * *", new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.Zero), 3);

        Assert.Equal([12, 18, 0], next.Select(t => t.Hour));
        Assert.Null(CronSchedule.Validate("@daily"));
        Assert.Null(CronSchedule.Validate("30 0 3 * * *"));
        Assert.NotNull(CronSchedule.Validate("61 * * * *"));
    }

    [Fact]
    public void VersionGeneratorIsRegistered() =>
        Assert.NotNull(_f.Data.Get<GeneratorRegistry>().Find(VersionGenerator.GeneratorName));
}
