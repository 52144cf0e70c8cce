using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Classic;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Classic;

/// <summary>adopt-tree over the installation the classic server made (../shared/fixtures/classic-tree).</summary>
public sealed class TreeAdoptionTests : IAsyncLifetime, IDisposable
{
    private static readonly Actor Operator = new("operator", "cli");
    private readonly ClassicFixture _classic = ClassicFixture.Create();
    private readonly Gpg _gpg = new();
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    public void Dispose()
    {
        _classic.Dispose();
        _gpg.Dispose();
    }

    private TreeAdoption Adoption => _data.Get<TreeAdoption>();

    private AdoptionRequest Request => new(_classic.Path);

    [Fact]
    public async Task TheFixtureIsAdoptedWithTheSameImagesBytesAndKeys()
    {
        var plan = await Adoption.PlanAsync(Request, null, CancellationToken.None);
        Assert.True(plan.CanAdopt, string.Join("\n", plan.Problems));
        Assert.Equal(["testing"], plan.Channels);
        Assert.Equal(2, plan.Devices);
        Assert.Equal(6, plan.Images);

        var (result, _) = await Adoption.AdoptAsync(Request, Operator, null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);

        // The pool files, version tarballs, device keyring and published keyrings, with their signatures, byte for byte.
        var copied = Directory.EnumerateFiles(_classic.Www, "*", SearchOption.AllDirectories)
            .Select(f => "/" + Path.GetRelativePath(_classic.Www, f).Replace('\\', '/'))
            .Where(p => !p.EndsWith("index.json", StringComparison.Ordinal) && !p.EndsWith("index.json.asc", StringComparison.Ordinal) && !p.StartsWith("/channels.json", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(36, copied.Count);
        Assert.All(copied, path => Assert.Equal(File.ReadAllBytes(_classic.File(path)), File.ReadAllBytes(_data.File(path))));

        // index.json and channels.json describe exactly the same images, field by field (generated_at aside).
        foreach (var index in new[] { "/testing/mako/index.json", "/testing/flo/index.json" })
        {
            var (classic, ours) = (WithoutGeneratedAt(_classic.File(index)), WithoutGeneratedAt(_data.File(index)));
            Assert.True(JsonNode.DeepEquals(classic, ours), $"{index}:\n{classic.ToJsonString()}\n{ours.ToJsonString()}");
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(_classic.File("/channels.json"))), JsonNode.Parse(File.ReadAllText(_data.File("/channels.json")))),
            File.ReadAllText(_data.File("/channels.json")));

        // Signed with the classic image-signing key, as gpgv checks it with the classic keyring.
        var imageSigning = File.ReadAllBytes(Path.Combine(_classic.Path, "secret", "gpg", "keyrings", "image-signing", "pubring.gpg"));
        foreach (var signed in new[] { "/channels.json", "/testing/mako/index.json", "/testing/flo/index.json" })
        {
            var check = _gpg.Verify(imageSigning, File.ReadAllBytes(_data.File(signed) + ".asc"), File.ReadAllBytes(_data.File(signed)));
            Assert.True(check.IsValid, $"{signed}: {check.Output}");
        }

        var keys = _data.Get<KeyStore>();
        Assert.Equal("5B6F9F755DECE667", keys.Describe(KeyNames.ImageSigning).KeyId);
        Assert.Equal("465103DDD229AC7E", keys.Describe(KeyNames.ArchiveMaster).KeyId);

        var check2 = await _data.Get<TreeMaintenance>().CheckAsync(verifySignatures: true, CancellationToken.None);
        Assert.Empty(check2.Missing);
        Assert.Empty(check2.Orphaned);
        Assert.Empty(check2.BadSignatures!);

        // The importer settings came from etc/config.
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var channel = await db.Channels.SingleAsync(c => c.Name == "testing");
        Assert.Equal((Persistence.Entities.ChannelType.Auto, 10), (channel.Type, channel.FullCount));
        Assert.Equal(["ubuntu", "version"], channel.ImportFiles.Select(f => f.Name));
        Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.Action == "adopt-tree");
    }

    [Fact]
    public async Task ADamagedPoolFileRefusesTheWholeAdoptionAndChangesNothing()
    {
        var pool = Directory.EnumerateFiles(Path.Combine(_classic.Www, "pool"), "ubuntu-*.tar.xz").First(f => !f.Contains(".delta-", StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(pool);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(pool, bytes);
        var tree = Snapshot(_data.PublishRoot);
        var imageSigning = _data.Get<KeyStore>().Describe(KeyNames.ImageSigning).Fingerprint;

        var (result, plan) = await Adoption.AdoptAsync(Request, Operator, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("Nothing was adopted", result.Message);
        Assert.Contains(plan.Problems, p => p.Contains(Path.GetFileName(pool), StringComparison.Ordinal) && p.Contains("SHA-256", StringComparison.Ordinal));
        Assert.Equal(tree, Snapshot(_data.PublishRoot));
        Assert.Equal(imageSigning, _data.Get<KeyStore>().Describe(KeyNames.ImageSigning).Fingerprint);
        await using var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Channels.AnyAsync());
    }

    [Fact]
    public async Task DryRunListsEveryProblemAtOnce()
    {
        File.WriteAllText(_classic.File("/testing/flo/index.json"), "{ not json");
        File.Delete(_classic.File("/testing/mako/version-2.tar.xz"));
        File.WriteAllText(Path.Combine(_classic.Path, "secret", "gpg", "keys", "image-master", "pubring.kbx"), "garbage");
        Directory.Delete(Path.Combine(_classic.Path, "secret", "gpg", "keys", "image-master", "private-keys-v1.d"), recursive: true);

        var plan = await Adoption.PlanAsync(Request, null, CancellationToken.None);

        Assert.False(plan.CanAdopt);
        Assert.Contains(plan.Problems, p => p.StartsWith("/testing/flo/index.json is not valid JSON", StringComparison.Ordinal));
        Assert.Contains(plan.Problems, p => p.StartsWith("key image-master:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASignatureThatDoesNotVerifyIsAProblem()
    {
        var signature = _classic.File("/testing/mako/version-1.tar.xz.asc");
        File.Copy(_classic.File("/testing/flo/version-1.tar.xz.asc"), signature, overwrite: true);

        var plan = await Adoption.PlanAsync(Request, null, CancellationToken.None);

        Assert.Contains(plan.Problems, p => p.StartsWith("/testing/mako/version-1.tar.xz: its signature does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADataDirectoryWithChannelsIsRefusedUnlessMergingAndMergingKeepsItsChannels()
    {
        Assert.True((await _data.Get<Core.Channels.ChannelService>().CreateAsync("testing", false, Operator, CancellationToken.None)).Succeeded);

        var refused = await Adoption.PlanAsync(Request, null, CancellationToken.None);
        Assert.Contains(refused.Problems, p => p.Contains("--merge", StringComparison.Ordinal));

        // Merging needs the same keys: this server's devices trust its own.
        var merged = await Adoption.PlanAsync(Request with { Merge = true }, null, CancellationToken.None);
        Assert.Equal(["testing"], merged.Kept);
        Assert.Contains(merged.Problems, p => p.Contains("cannot be merged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HiddenChannelsAliasesRedirectsPhasingTranslationsBootmeAndMinversionAreKeptFieldByField()
    {
        var channels = JsonNode.Parse(File.ReadAllText(_classic.File("/channels.json")))!.AsObject();
        channels["testing"]!["hidden"] = true;
        channels["stable"] = new JsonObject
        {
            ["alias"] = "testing",
            ["devices"] = new JsonObject
            {
                ["mako"] = new JsonObject { ["index"] = "/stable/mako/index.json" },
                ["flo"] = new JsonObject { ["index"] = "/testing/flo/index.json", ["redirect"] = "testing" },
            },
        };
        channels["old"] = new JsonObject { ["devices"] = channels["testing"]!["devices"]!.DeepClone(), ["hidden"] = true, ["redirect"] = "testing" };
        File.WriteAllText(_classic.File("/channels.json"), channels.ToJsonString());
        var mako = JsonNode.Parse(File.ReadAllText(_classic.File("/testing/mako/index.json")))!;
        var latest = mako["images"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!;
        latest["phased-percentage"] = 40;
        latest["description_fr"] = "deux";
        latest["bootme"] = true;
        latest["minversion"] = 1;
        File.WriteAllText(_classic.File("/testing/mako/index.json"), mako.ToJsonString());
        Directory.CreateDirectory(Path.GetDirectoryName(_classic.File("/stable/mako/index.json"))!);
        File.WriteAllText(_classic.File("/stable/mako/index.json"), mako.ToJsonString());
        foreach (var edited in new[] { "/channels.json", "/testing/mako/index.json", "/stable/mako/index.json" })
        {
            _classic.Sign(edited);
        }

        var (result, plan) = await Adoption.AdoptAsync(Request, Operator, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message + string.Join("\n", plan.Problems));
        foreach (var index in new[] { "/testing/mako/index.json", "/testing/flo/index.json", "/stable/mako/index.json" })
        {
            var (classic, ours) = (WithoutGeneratedAt(_classic.File(index)), WithoutGeneratedAt(_data.File(index)));
            Assert.True(JsonNode.DeepEquals(classic, ours), $"{index}:\n{classic.ToJsonString()}\n{ours.ToJsonString()}");
        }

        var published = JsonNode.Parse(File.ReadAllText(_data.File("/channels.json")));
        Assert.True(JsonNode.DeepEquals(channels, published), $"{channels.ToJsonString()}\n{published!.ToJsonString()}");
    }

    [Fact]
    public async Task MergingASecondTreeWithTheSameKeysAddsItsChannelsAndKeepsTheExistingOnes()
    {
        Assert.True((await Adoption.AdoptAsync(Request, Operator, null, CancellationToken.None)).Result.Succeeded);
        var testing = File.ReadAllBytes(_data.File("/testing/mako/index.json"));

        // A second installation signed with the same keys: the fixture with a channel 'devel' beside 'testing'.
        using var second = ClassicFixture.Create();
        var channels = JsonNode.Parse(File.ReadAllText(second.File("/channels.json")))!.AsObject();
        channels["devel"] = new JsonObject { ["devices"] = new JsonObject { ["mako"] = new JsonObject { ["index"] = "/devel/mako/index.json" } } };
        File.WriteAllText(second.File("/channels.json"), channels.ToJsonString());
        Directory.CreateDirectory(Path.GetDirectoryName(second.File("/devel/mako/index.json"))!);
        var mako = JsonNode.Parse(File.ReadAllText(second.File("/testing/mako/index.json")))!;
        mako["images"]![0]!["description"] = "devel build";
        File.WriteAllText(second.File("/devel/mako/index.json"), mako.ToJsonString());
        File.WriteAllText(second.File("/testing/mako/index.json"), mako.ToJsonString());
        foreach (var edited in new[] { "/channels.json", "/devel/mako/index.json", "/testing/mako/index.json" })
        {
            second.Sign(edited);
        }

        var refused = await Adoption.PlanAsync(new AdoptionRequest(second.Path), null, CancellationToken.None);
        Assert.Contains(refused.Problems, p => p.Contains("--merge", StringComparison.Ordinal));

        var (result, plan) = await Adoption.AdoptAsync(new AdoptionRequest(second.Path, Merge: true), Operator, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(["devel"], plan.Channels);
        Assert.Equal(["testing"], plan.Kept);
        Assert.Equal(testing, File.ReadAllBytes(_data.File("/testing/mako/index.json")));
        Assert.Equal("devel build", JsonNode.Parse(File.ReadAllText(_data.File("/devel/mako/index.json")))!["images"]![0]!["description"]!.GetValue<string>());
        Assert.Empty((await _data.Get<TreeMaintenance>().CheckAsync(verifySignatures: true, CancellationToken.None)).BadSignatures!);
    }

    [Fact]
    public async Task AFileWithoutASidecarGetsOneOfOursSignedWithTheAdoptedKey()
    {
        var sidecar = "/testing/mako/version-1.json";
        File.Delete(_classic.File(sidecar));
        File.Delete(_classic.File(sidecar) + ".asc");

        var (result, _) = await Adoption.AdoptAsync(Request, Operator, null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        var written = JsonNode.Parse(File.ReadAllText(_data.File(sidecar)))!;
        Assert.Equal(("adopt-tree", "394b62560db326aad18625b783af2f7acecdb47f4a1b61aa5458ecca8d808483"),
            (written["generator"]!.GetValue<string>(), written["checksum"]!.GetValue<string>()));
        var imageSigning = File.ReadAllBytes(Path.Combine(_classic.Path, "secret", "gpg", "keyrings", "image-signing", "pubring.gpg"));
        Assert.True(_gpg.Verify(imageSigning, File.ReadAllBytes(_data.File(sidecar) + ".asc"), File.ReadAllBytes(_data.File(sidecar))).IsValid);
        var check = await _data.Get<TreeMaintenance>().CheckAsync(verifySignatures: true, CancellationToken.None);
        Assert.Empty(check.Missing);
        Assert.Empty(check.BadSignatures!);
    }

    private static JsonObject WithoutGeneratedAt(string indexFile)
    {
        var node = JsonNode.Parse(File.ReadAllText(indexFile))!.AsObject();
        node["global"]!.AsObject().Remove("generated_at");
        return node;
    }

    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
