using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>An automatic channel fed by the cdimage generators, imported through <see cref="ImportService"/>.</summary>
public sealed class CdImageImportTests : IAsyncLifetime
{
    private const string Channel = "ubuntu-touch/devel";
    private static readonly Actor Tester = new("tester", "cli");
    private CdImageFixture _fixture = null!;

    private TestDataDirectory Data => _fixture.Data;

    public async Task InitializeAsync()
    {
        _fixture = await CdImageFixture.CreateAsync(seed: 21);
        Assert.True((await Data.Get<ChannelService>().CreateAsync(Channel, false, Tester, CancellationToken.None)).Succeeded);
        foreach (var device in new[] { "mako", "generic_x86", "generic_arm64" })
        {
            Assert.True((await Data.Get<DeviceService>().CreateAsync(Channel, device, false, Tester, CancellationToken.None)).Succeeded);
        }

        var root = _fixture.Tree.Root;
        var config = new ImporterConfig
        {
            Type = ChannelType.Auto,
            Files =
            [
                new ImportFile { Name = "ubuntu", Generator = "cdimage-ubuntu", Arguments = [root, "vivid"] },
                new ImportFile { Name = "device", Generator = "cdimage-device", Arguments = [root, "vivid"] },
                new ImportFile { Name = "custom", Generator = "cdimage-custom", Arguments = [root, "vivid"], Options = new Dictionary<string, string> { ["import"] = "any" } },
                new ImportFile { Name = "version", Generator = "version" },
            ],
        };
        var saved = await Data.Get<ImporterConfigService>().SetAsync(Channel, config, Tester, CancellationToken.None);
        Assert.True(saved.Succeeded, saved.Message);
    }

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task ImportsTheNewestBuildThenTheNextOneWithADeltaThenNothing()
    {
        var first = await ImportAsync();

        Assert.True(first.Published, string.Join("\n", first.Devices.Select(d => d.Message)));
        Assert.Equal(["full 1"], Entries("mako"));
        Assert.Equal(["full 1"], Entries("generic_x86"));
        var image = Images("mako")[0]!;
        Assert.Equal("ubuntu=20261125,device=20261125,custom=20261125,version=1", image["version_detail"]!.GetValue<string>());
        var paths = image["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(
            [
                $"/pool/ubuntu-{_fixture.Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Rootfs)}.tar.xz",
                $"/pool/device-{_fixture.Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Device)}.tar.xz",
                $"/pool/custom-{_fixture.Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Custom)}.tar.xz",
                $"/{Channel}/mako/version-1.tar.xz",
            ],
            paths);
        var arm64 = Assert.Single(first.Devices, d => d.Device == "generic_arm64");
        Assert.Null(arm64.Version);
        Assert.Equal("cancelled: file 'ubuntu' (cdimage-ubuntu) gave nothing", arm64.Message);

        _fixture.Tree.AddBuild("20261126");
        var second = await ImportAsync();

        Assert.Equal([2, 2], second.Devices.Where(d => d.Version is not null).Select(d => d.Version!.Value));
        Assert.Equal(["delta 1-2", "full 1", "full 2"], Entries("mako").Order(StringComparer.Ordinal));
        var delta = Images("mako").Single(i => i!["type"]!.GetValue<string>() == "delta")!;
        Assert.Equal("ubuntu=20261126,device=20261126,custom=20261126,version=2", delta["version_detail"]!.GetValue<string>());
        var ubuntuDelta = delta["files"]!.AsArray()[0]!["path"]!.GetValue<string>();
        Assert.Matches("^/pool/ubuntu-[0-9a-f]{64}\\.delta-ubuntu-[0-9a-f]{64}\\.tar\\.xz$", ubuntuDelta);

        var before = Snapshot();
        var third = await ImportAsync();

        Assert.False(third.Published);
        Assert.Equal($"Nothing new for {Channel}.", third.Result.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task GpgvAcceptsTheIndexAndThePoolFilesWithThePublishedImageSigningKeyring()
    {
        await ImportAsync();
        using var gpg = new Gpg();
        var keyring = TreeAssert.ReadTarXz(Data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];

        var files = Images("mako")[0]!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>())
            .Append($"/{Channel}/mako/index.json")
            .ToList();

        foreach (var path in files)
        {
            var result = gpg.VerifyFiles(WriteKeyring(keyring), Data.File(path + ".asc"), Data.File(path));
            Assert.True(result.IsValid, $"{path}: {result.Output}");
        }

        var sidecar = files[0][..^".tar.xz".Length] + ".json";
        Assert.True(gpg.VerifyFiles(WriteKeyring(keyring), Data.File(sidecar + ".asc"), Data.File(sidecar)).IsValid);
    }

    private async Task<ImportOutcome> ImportAsync()
    {
        var reporter = new RecordingImportReporter();
        var outcome = await Data.Get<ImportService>().ImportAsync(Channel, Tester, reporter, CancellationToken.None);
        Assert.True(outcome.Result.Succeeded, reporter.ToString());
        return outcome;
    }

    private JsonArray Images(string device) => TreeAssert.ReadJson(Data, $"/{Channel}/{device}/index.json")["images"]!.AsArray();

    private List<string> Entries(string device) => Images(device)
        .Select(i => i!["type"]!.GetValue<string>() == "full" ? $"full {i["version"]}" : $"delta {i["base"]}-{i["version"]}")
        .ToList();

    private Dictionary<string, string> Snapshot() => Directory
        .EnumerateFiles(Data.PublishRoot, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(Data.PublishRoot, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private string WriteKeyring(byte[] keyring)
    {
        var path = Path.Combine(Data.Path, "image-signing.gpg");
        File.WriteAllBytes(path, keyring);
        return path;
    }
}
