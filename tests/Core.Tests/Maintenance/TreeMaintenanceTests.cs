using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Maintenance;

public sealed class TreeMaintenanceTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly Gpg _gpg = new();
    private ImageFixture _fixture = null!;

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
        await File.WriteAllTextAsync(_fixture.Data.File("/pool/stray.tar.xz"), "x");

        var check = await Maintenance.CheckAsync(None);

        Assert.Equal([pool], check.Missing);
        Assert.Equal(["/pool/stray.tar.xz"], check.Orphaned);
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

        var removed = await Maintenance.CleanupAsync(ImageFixture.Tester, None);

        Assert.DoesNotContain(removed, p => published.Contains($"\"{p}\"", StringComparison.Ordinal));
        Assert.All(removed, p => TreeAssert.Missing(_fixture.Data, p));
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
}
