using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.TestUtilities;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ImageServiceTests : IAsyncLifetime
{
    private const string Channel = "ubuntu-touch/stable";
    private const string Device = "mako";
    private static readonly Actor Tester = new("tester", "cli");
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;
    private string _inputs = null!;

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        _inputs = Path.Combine(_data.Path, "inputs");
        Directory.CreateDirectory(_inputs);
        await _data.Get<ChannelService>().CreateAsync(Channel, false, Tester, None);
        await _data.Get<DeviceService>().CreateAsync(Channel, Device, false, Tester, None);
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _data.DisposeAsync();
    }

    private ImageService Images => _data.Get<ImageService>();

    private JsonArray IndexImages => TreeAssert.ReadJson(_data, $"/{Channel}/{Device}/index.json")["images"]!.AsArray();

    [Fact]
    public async Task TwoBuildsGiveTwoFullImagesAndADeltaThatAllVerify()
    {
        Assert.True((await PublishBuildAsync(1)).Succeeded);
        var second = await PublishBuildAsync(2, percentage: 50);
        Assert.True(second.Succeeded, second.Message);

        var images = IndexImages;
        Assert.Equal(["full 1", "full 2", "delta 2"], images.Select(i => $"{i!["type"]} {i["version"]}"));
        var delta = images.Single(i => i!["type"]!.GetValue<string>() == "delta")!;
        Assert.Equal(1, delta["base"]!.GetValue<int>());
        Assert.Contains(".delta-ubuntu-", delta["files"]![0]!["path"]!.GetValue<string>());

        var keyring = TreeAssert.ReadTarXz(_data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        foreach (var file in images.SelectMany(i => i!["files"]!.AsArray()))
        {
            var path = file!["path"]!.GetValue<string>();
            var bytes = File.ReadAllBytes(_data.File(path));
            Assert.Equal(file["size"]!.GetValue<long>(), bytes.Length);
            Assert.Equal(file["checksum"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            var verified = _gpg.Verify(keyring, File.ReadAllBytes(_data.File(file["signature"]!.GetValue<string>())), bytes);
            Assert.True(verified.IsValid, $"{path}: {verified.Output}");
            TreeAssert.Exists(_data, PoolWriter.SidecarOf(path));
            TreeAssert.Exists(_data, PoolWriter.SidecarOf(path) + ".asc");
        }

        Assert.All(images.Where(i => i!["version"]!.GetValue<int>() == 2), i => Assert.Equal(50, i!["phased-percentage"]!.GetValue<int>()));
        Assert.All(images.Where(i => i!["version"]!.GetValue<int>() == 1), i => Assert.Null(i!["phased-percentage"]));
        Assert.True(_gpg.Verify(keyring, File.ReadAllBytes(_data.File($"/{Channel}/{Device}/index.json.asc")), File.ReadAllBytes(_data.File($"/{Channel}/{Device}/index.json"))).IsValid);
    }

    [Theory]
    [InlineData(".tar.gz")]
    [InlineData(".tar.zst")]
    [InlineData(".tar.bz2")]
    public async Task TheDeltaBetweenTwoRealisticBuildsTurnsTheFirstIntoTheSecond(string ending)
    {
        var build1 = new RootfsBuilder(7).WithEntries(1500).WithTotalSize(3_000_000).Build();
        var build2 = build1.NextBuild(8, 0.1);

        Assert.True((await PublishTreeAsync(build1, "rootfs-1" + ending)).Succeeded);
        Assert.True((await PublishTreeAsync(build2, "rootfs-2" + ending)).Succeeded);

        var images = IndexImages;
        var full1 = images.Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 1)!;
        var delta = images.Single(i => i!["type"]!.GetValue<string>() == "delta")!;
        var deltaFile = delta["files"]![0]!;
        Assert.True(deltaFile["size"]!.GetValue<long>() < full1["files"]![0]!["size"]!.GetValue<long>(), "the delta must be smaller than the full file");
        Assert.Empty((await AppliedAsync(full1, deltaFile)).Differences(build2.Snapshot()));
    }

    [Fact]
    public async Task ADeltaNoSmallerThanTheFullFileStillRemovesWhatTheNewBuildDropped()
    {
        // A small part whose every file changes: its delta (a removal list, then every file again) is not smaller than
        // the full file. A device applies a delta image over its system without formatting it first, so the image must
        // still carry the delta: the full file would leave what the new build dropped on the device.
        var random = new Random(5);
        byte[] Noise() => [.. Enumerable.Range(0, 4096).Select(_ => (byte)random.Next(256))];
        var build1 = new RootfsTree([RootfsEntry.Directory("etc"), RootfsEntry.File("etc/firmware.bin", Noise()), RootfsEntry.File("etc/kept.bin", Noise())]);
        var build2 = build1.Without("etc/firmware.bin").With(RootfsEntry.File("etc/kept.bin", Noise()));

        Assert.True((await PublishTreeAsync(build1, "rootfs-1.tar.gz")).Succeeded);
        Assert.True((await PublishTreeAsync(build2, "rootfs-2.tar.gz")).Succeeded);

        var images = IndexImages;
        var full1 = images.Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 1)!;
        var deltaFile = images.Single(i => i!["type"]!.GetValue<string>() == "delta")!["files"]![0]!;
        Assert.Contains(".delta-ubuntu-", deltaFile["path"]!.GetValue<string>());
        Assert.Empty((await AppliedAsync(full1, deltaFile)).Differences(build2.Snapshot()));
    }

    /// <summary>What a device holds after the full image <paramref name="full"/> and then the delta file <paramref name="deltaFile"/>.</summary>
    private async Task<RootfsSnapshot> AppliedAsync(JsonNode full, JsonNode deltaFile)
    {
        using var source = new MemoryStream();
        await using (var xz = new SystemImage.Core.Compression.XzDecoderStream(File.OpenRead(_data.File(full["files"]![0]!["path"]!.GetValue<string>()))))
        {
            await xz.CopyToAsync(source);
        }

        source.Position = 0;
        await using var deltaTar = new SystemImage.Core.Compression.XzDecoderStream(File.OpenRead(_data.File(deltaFile["path"]!.GetValue<string>())));
        return RootfsSnapshot.FromTar(source).ApplyDelta(deltaTar);
    }

    [Fact]
    public async Task TheVersionTarballCarriesTheRightChannelIni()
    {
        await PublishBuildAsync(1);

        var files = IndexImages.Single()!["files"]!.AsArray();
        var versionFile = files[^1]!;
        Assert.Equal($"/{Channel}/{Device}/version-1.tar.xz", versionFile["path"]!.GetValue<string>());
        Assert.Equal(files.Count - 1, versionFile["order"]!.GetValue<int>());
        var entries = TreeAssert.ReadTarXz(_data.File(versionFile["path"]!.GetValue<string>()));
        Assert.Equal("1\n", Encoding.UTF8.GetString(entries["system/etc/ubuntu-build"]));
        var ini = Encoding.UTF8.GetString(entries["system/etc/system-image/channel.ini"]);
        Assert.StartsWith("[service]\n", ini);
        Assert.Contains("base: system-image.example.com\n", ini);
        Assert.Contains($"channel: {Channel}\n", ini);
        Assert.Contains($"device: {Device}\n", ini);
        Assert.Contains("build_number: 1\n", ini);
        Assert.Contains("version_detail: ubuntu=", ini);
        Assert.Contains("http_port: 80\n", ini);
        Assert.DoesNotContain("channel_target", ini);
        Assert.Contains("system/etc/system-image/config.d/", entries.Keys);
    }

    [Fact]
    public async Task PublishingTheSameBuildAgainChangesNoByteOfTheTree()
    {
        await PublishBuildAsync(1);
        await PublishBuildAsync(2);
        var before = Snapshot();

        var again = await PublishBuildAsync(2);

        Assert.True(again.Succeeded, again.Message);
        Assert.Contains("Nothing new", again.Message);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task ASecondBuildStripsThePhasedPercentageFromTheFirst()
    {
        await PublishBuildAsync(1, percentage: 10);
        await PublishBuildAsync(2);

        Assert.All(IndexImages, i => Assert.Null(i!["phased-percentage"]));
    }

    [Fact]
    public async Task ATarballWithADotDotEntryIsRefusedAndLeavesNoTrace()
    {
        var before = Snapshot();
        var bad = SimpleTarball.WriteTarGz(Path.Combine(_inputs, "bad.tar.gz"), [("../etc/passwd", "x")]);

        var result = await Images.PublishAsync(new PublishImageRequest(Channel, Device, [new PartInput("ubuntu", bad)]), Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Contains("..", result.Message);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("Ubuntu", null, null)]
    [InlineData("version", null, null)]
    [InlineData("ubuntu", 101, null)]
    [InlineData("ubuntu", null, "a,b")]
    public async Task BadRequestsAreRefusedBeforeAnythingIsWritten(string part, int? percentage, string? tag)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_inputs, "b.tar.gz"), 1);

        var result = await Images.PublishAsync(new PublishImageRequest(Channel, Device, [new PartInput(part, file)]) { PhasedPercentage = percentage, Tag = tag }, Tester, None);

        Assert.Equal(OperationStatus.Invalid, result.Status);
        Assert.Empty(IndexImages);
    }

    [Fact]
    public async Task PublishingToAnUnknownDeviceIsRefused()
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_inputs, "b.tar.gz"), 1);

        var result = await Images.PublishAsync(new PublishImageRequest(Channel, "flo", [new PartInput("ubuntu", file)]), Tester, None);

        Assert.Equal(OperationStatus.NotFound, result.Status);
        TreeAssert.Missing(_data, $"/{Channel}/flo");
    }

    public sealed class Editing : IAsyncLifetime
    {
        private readonly ImageServiceTests _outer = new();

        public async Task InitializeAsync()
        {
            await _outer.InitializeAsync();
            await _outer.PublishBuildAsync(1);
            await _outer.PublishBuildAsync(2);
        }

        public Task DisposeAsync() => _outer.DisposeAsync();

        private ImageEditor Editor => _outer._data.Get<ImageEditor>();

        [Fact]
        public async Task ThePhasedPercentageIsSetOnEveryEntryOfTheLatestVersion()
        {
            var result = await Editor.SetPhasedPercentageAsync(Channel, Device, 2, 30, Tester, None);

            Assert.True(result.Succeeded, result.Message);
            Assert.All(_outer.IndexImages.Where(i => i!["version"]!.GetValue<int>() == 2), i => Assert.Equal(30, i!["phased-percentage"]!.GetValue<int>()));
        }

        [Fact]
        public async Task OneHundredRemovesTheField()
        {
            await Editor.SetPhasedPercentageAsync(Channel, Device, 2, 30, Tester, None);

            await Editor.SetPhasedPercentageAsync(Channel, Device, 2, 100, Tester, None);

            Assert.All(_outer.IndexImages, i => Assert.Null(i!["phased-percentage"]));
        }

        [Fact]
        public async Task OnlyTheLatestVersionCanBePhased()
        {
            var result = await Editor.SetPhasedPercentageAsync(Channel, Device, 1, 30, Tester, None);

            Assert.Equal(OperationStatus.Conflict, result.Status);
            Assert.All(_outer.IndexImages, i => Assert.Null(i!["phased-percentage"]));
        }

        [Fact]
        public async Task PercentagesOutsideZeroToOneHundredAreRefused() =>
            Assert.Equal(OperationStatus.Invalid, (await Editor.SetPhasedPercentageAsync(Channel, Device, 2, -1, Tester, None)).Status);

        [Fact]
        public async Task DescriptionAndTranslationsAreSetOnEveryEntryOfTheVersion()
        {
            var result = await Editor.SetDescriptionAsync(Channel, Device, 2, "Bug fixes", new Dictionary<string, string> { ["de"] = "Fehlerbehebungen" }, Tester, None);

            Assert.True(result.Succeeded, result.Message);
            Assert.All(_outer.IndexImages.Where(i => i!["version"]!.GetValue<int>() == 2), i =>
            {
                Assert.Equal("Bug fixes", i!["description"]!.GetValue<string>());
                Assert.Equal("Fehlerbehebungen", i["description_de"]!.GetValue<string>());
            });
        }

        [Fact]
        public async Task ABadLanguageCodeIsRefused() =>
            Assert.Equal(OperationStatus.Invalid, (await Editor.SetDescriptionAsync(Channel, Device, 2, "x", new Dictionary<string, string> { ["d e"] = "y" }, Tester, None)).Status);

        [Fact]
        public async Task ADeltaIsRemovedByItsBase()
        {
            var result = await Editor.RemoveAsync(Channel, Device, 2, 1, Tester, None);

            Assert.True(result.Succeeded, result.Message);
            Assert.Equal(["full 1", "full 2"], _outer.IndexImages.Select(i => $"{i!["type"]} {i["version"]}"));
        }

        [Fact]
        public async Task AFullImageIsRemoved()
        {
            await Editor.RemoveAsync(Channel, Device, 1, null, Tester, None);

            Assert.Equal(["full 2", "delta 2"], _outer.IndexImages.Select(i => $"{i!["type"]} {i["version"]}"));
        }

        [Fact]
        public async Task RemovingAMissingImageIsRefused() =>
            Assert.Equal(OperationStatus.NotFound, (await Editor.RemoveAsync(Channel, Device, 7, null, Tester, None)).Status);
    }

    /// <summary>Publishes <paramref name="tree"/> as a .tar.gz, or as a .tar.zst or .tar.bz2 made by the zstd or bzip2 tool, as <paramref name="name"/> says.</summary>
    private async Task<OperationResult> PublishTreeAsync(RootfsTree tree, string name)
    {
        var path = Path.Combine(_inputs, name);
        if (name.EndsWith(".tar.gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
            tree.WriteTar(gzip);
        }
        else
        {
            var tar = path + ".src.tar";
            using (var file = File.Create(tar))
            {
                tree.WriteTar(file);
            }

            await Parts.PartTools.RunToFileAsync(path, name.EndsWith(".tar.zst", StringComparison.Ordinal) ? "zstd" : "bzip2", "-c", "--", tar);
        }

        return await Images.PublishAsync(new PublishImageRequest(Channel, Device, [new PartInput("ubuntu", path)]), Tester, None);
    }

    private Task<OperationResult> PublishBuildAsync(int build, int? percentage = null)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(_inputs, $"rootfs-{build}.tar.gz"), build);
        return Images.PublishAsync(new PublishImageRequest(Channel, Device, [new PartInput("ubuntu", file)]) { PhasedPercentage = percentage }, Tester, None);
    }

    private Dictionary<string, string> Snapshot() => Directory
        .EnumerateFiles(_data.PublishRoot, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(_data.PublishRoot, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
