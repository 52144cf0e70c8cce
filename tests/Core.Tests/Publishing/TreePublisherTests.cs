using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

/// <summary>The rules of SPEC §2 "What real devices check" that the rendered JSON must follow, one test per rule.</summary>
public sealed partial class TreePublisherTests : IAsyncLifetime
{
    private static readonly Actor Tester = new("tester", "cli");
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        await _data.Get<ChannelService>().CreateAsync("ubuntu-touch/stable", false, Tester, CancellationToken.None);
        await _data.Get<DeviceService>().CreateAsync("ubuntu-touch/stable", "mako", true, Tester, CancellationToken.None);
        await AddImagesAsync();
    }

    public async Task DisposeAsync() => await _data.DisposeAsync();

    private string IndexText => File.ReadAllText(_data.File("/ubuntu-touch/stable/mako/index.json"), Encoding.UTF8);

    private JsonObject Index => JsonNode.Parse(IndexText)!.AsObject();

    [Fact]
    public void JsonIsIndentedWithFourSpacesAndEndsWithOneNewline()
    {
        foreach (var text in new[] { IndexText, File.ReadAllText(_data.File("/channels.json")) })
        {
            Assert.EndsWith("}\n", text);
            Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal));
            Assert.StartsWith("{\n    \"", text);
            Assert.DoesNotContain("\t", text);
            Assert.All(text.Split('\n').Where(l => l.Length > 0), line => Assert.Equal(0, (line.Length - line.TrimStart(' ').Length) % 4));
        }
    }

    [Fact]
    public void ObjectKeysAreSortedEverywhere()
    {
        foreach (var path in new[] { "/channels.json", "/ubuntu-touch/stable/mako/index.json" })
        {
            AssertSorted(JsonNode.Parse(File.ReadAllBytes(_data.File(path))));
        }
    }

    [Fact]
    public void GeneratedAtIsPresentAndFormattedWithLiteralUtc()
    {
        var stamp = Index["global"]!["generated_at"]!.GetValue<string>();

        Assert.Matches(GeneratedAtPattern(), stamp);
    }

    [Fact]
    public void VersionsAreIntegersInRangeAndDeltasHaveAnIntegerBase()
    {
        foreach (var image in Index["images"]!.AsArray())
        {
            Assert.Equal(JsonValueKind.Number, image!["version"]!.GetValueKind());
            Assert.InRange(image["version"]!.GetValue<int>(), 0, 65535);
            if (image["type"]!.GetValue<string>() == "delta")
            {
                Assert.Equal(JsonValueKind.Number, image["base"]!.GetValueKind());
            }
            else
            {
                Assert.Equal("full", image["type"]!.GetValue<string>());
                Assert.Null(image["base"]);
            }
        }
    }

    [Fact]
    public void EveryFileHasPathSignatureChecksumSizeAndOrder()
    {
        foreach (var file in Index["images"]!.AsArray().SelectMany(i => i!["files"]!.AsArray()))
        {
            Assert.StartsWith("/", file!["path"]!.GetValue<string>());
            Assert.Equal(file["path"]!.GetValue<string>() + ".asc", file["signature"]!.GetValue<string>());
            Assert.Matches("^[0-9a-f]{64}$", file["checksum"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.Number, file["size"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, file["order"]!.GetValueKind());
        }
    }

    [Fact]
    public void PhasedPercentageAppearsOnlyWhereSetAndOneHundredIsAbsent()
    {
        var images = Index["images"]!.AsArray();

        Assert.All(images.Where(i => i!["version"]!.GetValue<int>() == 2), i => Assert.Equal(50, i!["phased-percentage"]!.GetValue<int>()));
        Assert.All(images.Where(i => i!["version"]!.GetValue<int>() == 1), i => Assert.Null(i!["phased-percentage"]));
    }

    [Fact]
    public void OptionalFieldsAreRenderedOnlyWhenSet()
    {
        var full2 = Index["images"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!;

        Assert.True(full2["bootme"]!.GetValue<bool>());
        Assert.Equal(1, full2["minversion"]!.GetValue<int>());
        Assert.Equal("Zweite", full2["description_de"]!.GetValue<string>());
        var full1 = Index["images"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 1)!.AsObject();
        Assert.False(full1.ContainsKey("bootme"));
        Assert.False(full1.ContainsKey("minversion"));
    }

    [Fact]
    public void ChannelsJsonPointsEachDeviceAtItsIndexAndKeyring()
    {
        var device = TreeAssert.Channels(_data)["ubuntu-touch/stable"]!["devices"]!["mako"]!;

        Assert.Equal("/ubuntu-touch/stable/mako/index.json", device["index"]!.GetValue<string>());
        Assert.Equal("/ubuntu-touch/stable/mako/device.tar.xz", device["keyring"]!["path"]!.GetValue<string>());
        TreeAssert.Exists(_data, device["keyring"]!["signature"]!.GetValue<string>());
    }

    [Fact]
    public void KeyringTarballsHoldExactlyKeyringJsonAndKeyringGpgOfTheirType()
    {
        foreach (var name in new[] { "archive-master", "image-master", "image-signing", "blacklist" })
        {
            var entries = TreeAssert.ReadTarXz(_data.File($"/gpg/{name}.tar.xz"));
            Assert.Equal(["keyring.gpg", "keyring.json"], entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(name, JsonNode.Parse(entries["keyring.json"])!["type"]!.GetValue<string>());
            TreeAssert.Exists(_data, $"/gpg/{name}.tar.xz.asc");
        }

        var signing = JsonNode.Parse(TreeAssert.ReadTarXz(_data.File("/gpg/image-signing.tar.xz"))["keyring.json"])!;
        Assert.True(signing["expiry"]!.GetValue<long>() > DateTimeOffset.UtcNow.AddDays(365).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task AnUnchangedIndexKeepsItsBytesAndSignature()
    {
        var index = _data.File("/ubuntu-touch/stable/mako/index.json");
        var before = (File.ReadAllBytes(index), File.ReadAllBytes(index + ".asc"));
        await Task.Delay(1100);

        var report = await PublishAsync(PublishRequest.All);

        Assert.Equal(0, report.Written);
        Assert.Equal(before.Item1, File.ReadAllBytes(index));
        Assert.Equal(before.Item2, File.ReadAllBytes(index + ".asc"));
    }

    [Fact]
    public async Task AChangedIndexIsRewrittenWithANewStampAndSignature()
    {
        var index = _data.File("/ubuntu-touch/stable/mako/index.json");
        var before = File.ReadAllBytes(index + ".asc");
        await using (var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            var image = await db.Images.FirstAsync(i => i.Version == 2 && i.Type == ImageType.Full);
            image.Description = "changed";
            await db.SaveChangesAsync();
        }

        await PublishAsync(PublishRequest.ForDevices([new DeviceRef("ubuntu-touch/stable", "mako")]));

        Assert.Contains("\"changed\"", File.ReadAllText(index));
        Assert.NotEqual(before, File.ReadAllBytes(index + ".asc"));
    }

    [Fact]
    public async Task StartupRepairRemovesTemporariesAndStaleDeviceDirectories()
    {
        File.WriteAllText(_data.File("/ubuntu-touch/stable/mako/.index.json.tmp-0123"), "half");
        Directory.CreateDirectory(_data.File("/ghost/mako"));
        File.WriteAllText(_data.File("/ghost/mako/index.json"), "{}");

        await _data.Get<SystemImage.Core.Hosting.DataDirectory>().RepairTreeAsync(CancellationToken.None);

        TreeAssert.Missing(_data, "/ubuntu-touch/stable/mako/.index.json.tmp-0123");
        TreeAssert.Missing(_data, "/ghost");
        TreeAssert.Exists(_data, "/ubuntu-touch/stable/mako/index.json");
    }

    private async Task<PublishReport> PublishAsync(PublishRequest request)
    {
        await using var held = await _data.Get<PublishLock>().AcquireAsync(CancellationToken.None);
        return await _data.Get<TreePublisher>().PublishAsync(request, CancellationToken.None);
    }

    private async Task AddImagesAsync()
    {
        await using (var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync())
        {
            var device = await db.Devices.SingleAsync(d => d.Name == "mako");
            device.Images.Add(Image(ImageType.Full, 1, null, null));
            device.Images.Add(Image(ImageType.Full, 2, null, 50, bootme: true, minVersion: 1));
            device.Images.Add(Image(ImageType.Delta, 2, 1, 50));
            await db.SaveChangesAsync();
        }

        await PublishAsync(PublishRequest.ForDevices([new DeviceRef("ubuntu-touch/stable", "mako")]));
    }

    private static Image Image(ImageType type, int version, int? baseVersion, int? percentage, bool bootme = false, int? minVersion = null) => new()
    {
        Type = type,
        Version = version,
        Base = baseVersion,
        Description = $"ubuntu=2026112{version},version={version}",
        VersionDetail = $"ubuntu=2026112{version},version={version}",
        Translations = version == 2 ? new() { ["de"] = "Zweite" } : [],
        PhasedPercentage = percentage,
        Bootme = bootme,
        MinVersion = minVersion,
        Files =
        [
            new ImageFile { Order = 0, PartName = "ubuntu", Path = $"/pool/ubuntu-{new string((char)('a' + version), 64)}.tar.xz", Signature = $"/pool/ubuntu-{new string((char)('a' + version), 64)}.tar.xz.asc", Checksum = new string('0', 64), Size = 1000 * version },
            new ImageFile { Order = 1, PartName = "version", Path = $"/ubuntu-touch/stable/mako/version-{version}.tar.xz", Signature = $"/ubuntu-touch/stable/mako/version-{version}.tar.xz.asc", Checksum = new string('1', 64), Size = 300 },
        ],
    };

    private static void AssertSorted(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var keys = obj.Select(p => p.Key).ToList();
                Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
                foreach (var (_, value) in obj)
                {
                    AssertSorted(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    AssertSorted(item);
                }

                break;
        }
    }

    [GeneratedRegex("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}$")]
    private static partial Regex GeneratedAtPattern();
}
