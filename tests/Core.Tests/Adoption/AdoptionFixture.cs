using SystemImage.Core.Adoption;
using SystemImage.Core.Images;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Adoption;

/// <summary>
/// Channel <c>stable</c> with three devices (flo, krillin, mako) whose builds share one rootfs (the same <c>ubuntu</c>
/// part) and each have a device tarball of their own; builds 1 and 2 are published, so every device has full 1,
/// full 2 and a delta 1 → 2.
/// </summary>
internal sealed class AdoptionFixture : IAsyncDisposable
{
    public static readonly string[] Fleet = ["flo", "krillin", "mako"];

    private AdoptionFixture(ImageFixture images) => Images = images;

    public ImageFixture Images { get; }

    public TestDataDirectory Data => Images.Data;

    public static async Task<AdoptionFixture> CreateAsync()
    {
        var fixture = new AdoptionFixture(await ImageFixture.CreateAsync(("stable", Fleet)));
        foreach (var build in new[] { 1, 2 })
        {
            foreach (var device in Fleet)
            {
                Assert.True((await fixture.PublishAsync(device, build)).Succeeded);
            }
        }

        return fixture;
    }

    public Task<SystemImage.Core.Operations.OperationResult> PublishAsync(string device, int build)
    {
        var rootfs = SimpleTarball.WriteBuild(Path.Combine(Images.Inputs, $"rootfs-{build}.tar.gz"), build);
        // Many files of which one changes: the device's delta is smaller than its tarball, so deltas carry it.
        var random = new Random(device.GetHashCode(StringComparison.Ordinal));
        var deviceFiles = Enumerable.Range(0, 40)
            .Select(i => ($"system/vendor/{device}/blob{i:D2}", Convert.ToHexString(Enumerable.Range(0, 512).Select(_ => (byte)random.Next(256)).ToArray())))
            .Append(($"system/etc/{device}.conf", $"{device} build {build}\n"));
        var deviceTarball = SimpleTarball.WriteTarGz(Path.Combine(Images.Inputs, $"device-{device}-{build}.tar.gz"), deviceFiles);
        return Data.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", device, [new PartInput("ubuntu", rootfs), new PartInput("device", deviceTarball)]),
            ImageFixture.Tester,
            CancellationToken.None);
    }

    /// <summary>The device tarball of a device's full image, or its delta file in a delta image.</summary>
    public string DeviceFile(string device, int version, int? deltaBase = null) =>
        Files(device, version, deltaBase).Single(f => f.StartsWith("/pool/device-", StringComparison.Ordinal));

    /// <summary>The files of a device's image as index.json lists them, in order.</summary>
    public IReadOnlyList<string> Files(string device, int version, int? deltaBase = null) =>
    [
        .. Images.Images("stable", device)
            .Single(i => i!["version"]!.GetValue<int>() == version && (deltaBase is null
                ? i["type"]!.GetValue<string>() == "full"
                : i["base"]?.GetValue<int>() == deltaBase))!["files"]!.AsArray()
            .Select(f => f!["path"]!.GetValue<string>()),
    ];

    /// <summary>Counts one completed download of each path, as the static tree does.</summary>
    public void Download(params string[] paths)
    {
        foreach (var path in paths)
        {
            Data.Get<DownloadCounter>().Count(path);
        }
    }

    public async Task<ChannelDownloads> FlushAndReadAsync(string? device = null)
    {
        await Data.Get<DownloadFlusher>().FlushAsync(CancellationToken.None);
        return (await Data.Get<DownloadQueries>().ForChannelOrNullAsync("stable", null, null, device, CancellationToken.None))!;
    }

    public ValueTask DisposeAsync() => Images.DisposeAsync();
}
