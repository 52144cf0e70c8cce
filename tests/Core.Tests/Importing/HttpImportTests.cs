using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Tests.Generators;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

/// <summary>An automatic channel made of an http file (with a monitor), the archive-master keyring and the version tarball, imported end to end.</summary>
public sealed class HttpImportTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private readonly LocalHttpServer _server = new();
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await _data.Get<ChannelService>().CreateAsync("auto", false, Tester, CancellationToken.None);
        await _data.Get<DeviceService>().CreateAsync("auto", "mako", false, Tester, CancellationToken.None);
        _server.Set("/rootfs.tar.xz", TarXz.Build(1));
        _server.Set("/build", "20261125\n");
        var saved = await _data.Get<ImporterConfigService>().SetAsync("auto", new ImporterConfig
        {
            Type = ChannelType.Auto,
            Files =
            [
                new ImportFile { Name = "ubuntu", Generator = "http", Arguments = [_server.Url("/rootfs.tar.xz")], Options = new Dictionary<string, string> { ["monitor"] = _server.Url("/build") } },
                new ImportFile { Name = "keyring", Generator = "keyring", Arguments = ["archive-master"] },
                new ImportFile { Name = "version", Generator = "version" },
            ],
        }, Tester, CancellationToken.None);
        Assert.True(saved.Succeeded, saved.Message);
    }

    public async Task DisposeAsync()
    {
        await _data.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task PublishesASignedImageFromTheDownload()
    {
        var outcome = await ImportAsync();

        Assert.True(outcome.Published, string.Join("; ", outcome.Devices.Select(d => d.Message)));
        var image = Images().Single();
        Assert.Equal("ubuntu=20261125,keyring=archive-master,version=1", image["version_detail"]!.GetValue<string>());
        var files = image["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Equal(3, files.Count);
        Assert.StartsWith("/pool/ubuntu-", files[0], StringComparison.Ordinal);
        Assert.StartsWith("/pool/keyring-", files[1], StringComparison.Ordinal);
        Assert.Equal(TarXz.Build(1), File.ReadAllBytes(_data.File(files[0])));

        using var gpg = new Gpg();
        var keyring = TreeAssert.ReadTarXz(_data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        foreach (var path in files.Append(files[0][..^".tar.xz".Length] + ".json"))
        {
            var result = gpg.Verify(keyring, File.ReadAllBytes(_data.File(path + ".asc")), File.ReadAllBytes(_data.File(path)));
            Assert.True(result.IsValid, $"{path}: {result.Output}");
        }
    }

    [Fact]
    public async Task AnUnchangedBuildPublishesNothingAndDownloadsNothing()
    {
        await ImportAsync();
        var before = Snapshot();

        var outcome = await ImportAsync();

        Assert.False(outcome.Published);
        Assert.Equal(1, _server.Requests("/rootfs.tar.xz"));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task ANewBuildPublishesTheNextVersionWithADelta()
    {
        await ImportAsync();
        _server.Set("/rootfs.tar.xz", TarXz.Build(2));
        _server.Set("/build", "20261126\n");

        var outcome = await ImportAsync();

        Assert.Equal(2, outcome.Devices.Single().Version);
        Assert.Equal(["full 1", "full 2", "delta 1-2"],
            Images().Select(i => i["type"]!.GetValue<string>() == "full" ? $"full {i["version"]}" : $"delta {i["base"]}-{i["version"]}"));
        Assert.Equal("ubuntu=20261126,keyring=archive-master,version=2", Images()[1]["version_detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnreachableDownloadCancelsOnlyThatImage()
    {
        _server.Set("/build", "20261127\n");
        _server.Set("/rootfs.tar.xz", LocalHttpServer.Reply.Status(503));

        var outcome = await ImportAsync();

        Assert.False(outcome.Published);
        Assert.Contains("HTTP 503", outcome.Devices.Single().Message, StringComparison.Ordinal);
        Assert.Empty(Images());
    }

    private Task<ImportOutcome> ImportAsync() =>
        _data.Get<ImportService>().ImportAsync("auto", Tester, new RecordingImportReporter(), CancellationToken.None);

    private List<JsonObject> Images() =>
        [.. TreeAssert.ReadJson(_data, "/auto/mako/index.json")["images"]!.AsArray().OfType<JsonObject>()];

    private Dictionary<string, string> Snapshot() => Directory
        .EnumerateFiles(_data.PublishRoot, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(_data.PublishRoot, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
