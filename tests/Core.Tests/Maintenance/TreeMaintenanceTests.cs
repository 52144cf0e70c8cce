using SystemImage.Core.Channels;
using SystemImage.Core.Hosting;
using SystemImage.Core.Images;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Publishing;
using SystemImage.Core.Signing;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Maintenance;

public sealed class TreeMaintenanceTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private ImageFixture _fixture = null!;

    private static readonly string Stray = $"/pool/stray-{new string('0', 64)}.tar.xz";

    private TreeMaintenance Maintenance => _fixture.Data.Get<TreeMaintenance>();

    public async Task InitializeAsync()
    {
        _fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));
        await _fixture.PublishBuildAsync("devel", "mako", 1);
    }

    public async Task DisposeAsync()
    {
        _gpg.Dispose();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task CheckReportsAMissingFileAndAnOrphan()
    {
        var pool = _fixture.Images("devel", "mako")[0]!["files"]![0]!["path"]!.GetValue<string>();
        File.Delete(_fixture.Data.File(pool));
        await File.WriteAllTextAsync(_fixture.Data.File(Stray), "x");

        var check = await Maintenance.CheckAsync(None);

        Assert.Equal([pool], check.Missing);
        Assert.Equal([Stray], check.Orphaned);
        Assert.Empty(check.Foreign);
        Assert.Null(check.BadSignatures);
    }

    [Fact]
    public async Task CheckListsFilesTheServerNeverWritesAsForeignAndCleanupLeavesThem()
    {
        string[] foreign = ["/robots.txt", "/README", "/mirror/docs/README.txt", "/.well-known/acme-challenge/token", "/pool/README", "/gpg/README.md", "/devel/mako/notes.txt", "/.htaccess"];
        foreach (var path in foreign)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_fixture.Data.File(path))!);
            await File.WriteAllTextAsync(_fixture.Data.File(path), "not the server's");
        }

        await File.WriteAllTextAsync(_fixture.Data.File(Stray), "x");
        var stale = _fixture.Data.File($"/pool/.{Path.GetFileName(Stray)}.tmp-{Guid.NewGuid():N}");
        var fresh = _fixture.Data.File($"/devel/mako/.index.json.tmp-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(stale, "left by a crash");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-1));
        await File.WriteAllTextAsync(fresh, "a write in progress");

        var check = await Maintenance.CheckAsync(None);
        var cleanup = await Maintenance.CleanupAsync(ImageFixture.Tester, None);

        string[] reported = ["/.htaccess", "/.well-known/", "/README", "/devel/mako/notes.txt", "/gpg/README.md", "/mirror/", "/pool/README", "/robots.txt"];
        Assert.Equal(reported, check.Foreign);
        Assert.Equal(reported, cleanup.Foreign);
        var staleTreePath = "/pool/" + Path.GetFileName(stale);
        Assert.Equal([staleTreePath, Stray], check.Orphaned);
        Assert.Equal([staleTreePath, Stray], cleanup.Removed);
        Assert.All(foreign, path => Assert.True(File.Exists(_fixture.Data.File(path)), path));
        Assert.True(File.Exists(fresh));
        Assert.False(File.Exists(stale));
        Assert.Empty((await Maintenance.CheckAsync(None)).Orphaned);
    }

    [Fact]
    public async Task CleanupKeepsFilesThatAPublishedIndexStillReferences()
    {
        var index = _fixture.Data.File("/devel/mako/index.json");
        var published = await File.ReadAllTextAsync(index);
        await _fixture.PublishBuildAsync("devel", "mako", 2);
        await _fixture.Data.Get<SystemImage.Core.Images.ImageEditor>().RemoveAsync("devel", "mako", 1, null, ImageFixture.Tester, None);
        var orphanedByDatabase = (await Maintenance.CheckAsync(None)).Orphaned;
        Assert.NotEmpty(orphanedByDatabase);
        await File.WriteAllTextAsync(index, published);

        var removed = (await Maintenance.CleanupAsync(ImageFixture.Tester, None)).Removed;

        Assert.DoesNotContain(removed, p => published.Contains($"\"{p}\"", StringComparison.Ordinal));
        Assert.All(removed, p => TreeAssert.Missing(_fixture.Data, p));
    }

    [Fact]
    public async Task CheckWithVerifyListsEveryBadSignatureAndStartUpRepairSignsThemAgainForGpgv()
    {
        Assert.True((await _fixture.Data.Get<DeviceService>().CreateAsync("devel", "flo", withKeyring: true, ImageFixture.Tester, None)).Succeeded);
        Assert.True((await _fixture.PublishBuildAsync("devel", "mako", 2)).Succeeded);
        var images = _fixture.Images("devel", "mako");
        var full = images.Single(i => i!["type"]!.GetValue<string>() == "full" && i["version"]!.GetValue<int>() == 2)!["files"]![0]!["path"]!.GetValue<string>();
        var delta = images.Single(i => i!["type"]!.GetValue<string>() == "delta")!["files"]![0]!["path"]!.GetValue<string>();
        string[] signed =
        [
            "/gpg/archive-master.tar.xz", "/gpg/image-master.tar.xz", "/gpg/image-signing.tar.xz", "/gpg/blacklist.tar.xz",
            "/devel/flo/device.tar.xz", "/devel/mako/index.json", "/channels.json",
            full, PoolWriter.SidecarOf(full), delta, PoolWriter.SidecarOf(delta), "/devel/mako/version-2.tar.xz", "/devel/mako/version-2.json",
        ];
        var index = await File.ReadAllBytesAsync(_fixture.Data.File("/devel/mako/index.json"));
        var signer = _fixture.Data.Get<OpenPgpSigner>();
        for (var i = 0; i < signed.Length; i++)
        {
            var path = signed[i];
            var content = await File.ReadAllBytesAsync(_fixture.Data.File(path));
            byte[] bad = (i % 3) switch
            {
                0 => "-----BEGIN PGP SIGNATURE-----\n\ngarbage\n-----END PGP SIGNATURE-----\n"u8.ToArray(),
                1 => signer.SignDetached([.. content, (byte)'\n'], TreeLayout.SignerOf(path)), // the right key, over other bytes
                _ => signer.SignDetached(content, KeyNames.DeviceSigning), // the right bytes, by a key that does not sign them
            };
            await File.WriteAllBytesAsync(_fixture.Data.File(path + ".asc"), bad);
        }

        var check = await Maintenance.CheckAsync(verifySignatures: true, None);

        Assert.Equal(signed.Select(p => p + ".asc").Order(StringComparer.Ordinal), check.BadSignatures!.Select(b => b.Path));
        Assert.Empty(check.Missing);
        Assert.Null((await Maintenance.CheckAsync(verifySignatures: false, None)).BadSignatures);

        await _fixture.Data.Get<DataDirectory>().RepairTreeAsync(None);

        Assert.Empty((await Maintenance.CheckAsync(verifySignatures: true, None)).BadSignatures!);
        Assert.All(signed, path => Assert.True(VerifiesWithGpgv(path), path));
        Assert.Equal(index, await File.ReadAllBytesAsync(_fixture.Data.File("/devel/mako/index.json")));
    }

    [Fact]
    public async Task StartUpRepairReadsAgainOnlyFilesChangedSinceItVerifiedThem()
    {
        var pool = _fixture.Images("devel", "mako")[0]!["files"]![0]!["path"]!.GetValue<string>();
        var repair = _fixture.Data.Get<DataDirectory>();
        await repair.RepairTreeAsync(None);
        var signature = _fixture.Data.File(pool + ".asc");
        var time = File.GetLastWriteTimeUtc(signature);
        var armored = await File.ReadAllTextAsync(signature);
        var middle = armored.IndexOf('\n', armored.Length / 2) + 5;
        await File.WriteAllTextAsync(signature, armored[..middle] + (armored[middle] == 'A' ? 'B' : 'A') + armored[(middle + 1)..]);
        File.SetLastWriteTimeUtc(signature, time);

        await repair.RepairTreeAsync(None);
        Assert.Equal([pool + ".asc"], (await Maintenance.CheckAsync(verifySignatures: true, None)).BadSignatures!.Select(b => b.Path));

        File.SetLastWriteTimeUtc(signature, time.AddSeconds(1));
        await repair.RepairTreeAsync(None);
        Assert.Empty((await Maintenance.CheckAsync(verifySignatures: true, None)).BadSignatures!);
        Assert.True(VerifiesWithGpgv(pool));
    }

    [Fact]
    public async Task ReSignAfterAKeyRotationMakesEveryFileVerifyWithTheNewKey()
    {
        var rotated = await _fixture.Data.Get<KeyService>().GenerateAsync(force: true, ImageFixture.Tester, None);
        Assert.True(rotated.Succeeded, rotated.Message);
        var keyring = TreeAssert.ReadTarXz(_fixture.Data.File("/gpg/image-signing.tar.xz"))["keyring.gpg"];
        var files = _fixture.Images("devel", "mako")[0]!["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()).ToList();
        Assert.Contains(files, f => !Verifies(keyring, f));

        var result = await Maintenance.ResignAsync(ImageFixture.Tester, None);

        Assert.True(result.Succeeded, result.Message);
        Assert.All(files, f => Assert.True(Verifies(keyring, f), f));
        Assert.True(Verifies(keyring, "/devel/mako/index.json"));
        Assert.True(Verifies(keyring, "/channels.json"));
    }

    private bool Verifies(byte[] keyring, string path) =>
        _gpg.Verify(keyring, File.ReadAllBytes(_fixture.Data.File(path + ".asc")), File.ReadAllBytes(_fixture.Data.File(path))).IsValid;

    /// <summary>gpgv with the public key of the key that signs <paramref name="path"/>, taken from the published keyring.</summary>
    private bool VerifiesWithGpgv(string path) =>
        Verifies(TreeAssert.ReadTarXz(_fixture.Data.File(TreeLayout.Keyring(TreeLayout.SignerOf(path))))["keyring.gpg"], path);
}
