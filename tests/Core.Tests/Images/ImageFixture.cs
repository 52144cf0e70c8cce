using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.TestUtilities;

namespace SystemImage.Core.Tests.Images;

/// <summary>A data directory with helpers to publish numbered builds and read a device's published index.</summary>
internal sealed class ImageFixture : IAsyncDisposable
{
    public static readonly Actor Tester = new("tester", "cli");

    private ImageFixture(TestDataDirectory data)
    {
        Data = data;
        Inputs = Path.Combine(data.Path, "inputs");
        Directory.CreateDirectory(Inputs);
    }

    public TestDataDirectory Data { get; }

    public string Inputs { get; }

    public static async Task<ImageFixture> CreateAsync(params (string Channel, string[] Devices)[] channels)
    {
        var fixture = new ImageFixture(await TestDataDirectory.CreateAsync());
        foreach (var (channel, devices) in channels)
        {
            await fixture.Data.Get<ChannelService>().CreateAsync(channel, false, Tester, CancellationToken.None);
            foreach (var device in devices)
            {
                await fixture.Data.Get<DeviceService>().CreateAsync(channel, device, false, Tester, CancellationToken.None);
            }
        }

        return fixture;
    }

    public Task<OperationResult> PublishBuildAsync(string channel, string device, int build, int? percentage = null)
    {
        var file = SimpleTarball.WriteBuild(Path.Combine(Inputs, $"rootfs-{build}.tar.gz"), build);
        return Data.Get<ImageService>().PublishAsync(
            new PublishImageRequest(channel, device, [new PartInput("ubuntu", file)]) { PhasedPercentage = percentage }, Tester, CancellationToken.None);
    }

    public JsonArray Images(string channel, string device) => TreeAssert.ReadJson(Data, $"/{channel}/{device}/index.json")["images"]!.AsArray();

    public IEnumerable<string> Entries(string channel, string device) =>
        Images(channel, device).Select(i => i!["type"]!.GetValue<string>() == "full" ? $"full {i["version"]}" : $"delta {i["base"]}-{i["version"]}");

    public Dictionary<string, string> Snapshot() => Directory
        .EnumerateFiles(Data.PublishRoot, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(Data.PublishRoot, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>Where the delta generator's manifests of pool tarballs are kept.</summary>
    public string ManifestDirectory => Path.Combine(Data.Options.StateDir, "manifests");

    /// <summary>The checksums that have a manifest file.</summary>
    public IReadOnlyList<string> ManifestChecksums() => !Directory.Exists(ManifestDirectory)
        ? []
        : Directory.EnumerateFiles(ManifestDirectory).Select(f => Path.GetFileName(f)[..^".manifest".Length]).ToList();

    /// <summary>The checksums of the pool's part files (not the deltas).</summary>
    public async Task<IReadOnlyList<string>> PartChecksumsAsync()
    {
        await using var db = await Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.PoolFiles.Where(p => p.Generator == "publish-image").Select(p => p.Checksum).ToListAsync();
    }

    public ValueTask DisposeAsync() => Data.DisposeAsync();
}
