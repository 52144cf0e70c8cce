using SystemImage.Core.Generators;
using SystemImage.TestUtilities;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary><c>cdimage-device</c> and <c>cdimage-custom</c>: the build's tarball recompressed as it is.</summary>
public sealed class CdImageTarballGeneratorTests : IAsyncLifetime
{
    private const string Build = CdImageFixture.Build1;
    private CdImageFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await CdImageFixture.CreateAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Theory]
    [InlineData("cdimage-device", "device", CdImagePart.Device)]
    [InlineData("cdimage-custom", "custom", CdImagePart.Custom)]
    public async Task RecompressesTheSameTarBytesUnderTheContentAddressedPath(string generator, string kind, CdImagePart part)
    {
        _fixture.Tree.AddBuild("20261125.1");
        var session = _fixture.NewSession();

        var file = (await _fixture.GenerateAsync(_fixture.Entry(generator, kind), "generic_x86", session))!;
        await _fixture.CommitAsync(session, file);

        Assert.Equal($"/pool/{kind}-{_fixture.Tree.Sha256Of("20261125.1", "vivid", "i386", part)}.tar.xz", file.Path);
        Assert.Equal($"{kind}=20261125.1", file.VersionDetail);
        Assert.Equal(generator, file.Generator);
        Assert.Equal(_fixture.Tree.TarOf("20261125.1", "vivid", "i386", part), TarListing.DecompressXz(_fixture.Data.File(file.Path)));
        var sidecar = TreeAssert.ReadJson(_fixture.Data, file.Path[..^".tar.xz".Length] + ".json");
        Assert.Equal($"{kind}=20261125.1", sidecar["version_detail"]!.GetValue<string>());
        Assert.Equal(_fixture.Tree.Sha256Of("20261125.1", "vivid", "i386", part), sidecar["source_sha256"]!.GetValue<string>());
        var size = new FileInfo(_fixture.Tree.PathOf("20261125.1", "vivid", "i386", part)).Length;
        Assert.Equal(("generic_x86", kind, size, size), _fixture.Reporter.ProgressReports[^1]);
    }

    [Fact]
    public async Task TheEntryNameIsThePartNameButNotTheVersionDetailKey()
    {
        var file = await _fixture.GenerateAsync(_fixture.Entry("cdimage-device", "boot"));

        Assert.Equal("boot", file!.PartName);
        Assert.Equal($"device={Build}", file.VersionDetail);
        Assert.StartsWith("/pool/device-", file.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileThatDoesNotMatchSha256SumsFailsAndLeavesNothingBehind()
    {
        var listed = _fixture.Tree.Sha256Of(Build, "vivid", "armhf", CdImagePart.Device);
        var other = _fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Custom);
        File.Copy(other, _fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Device), overwrite: true);

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(_fixture.Entry("cdimage-device", "device")));

        var actual = _fixture.Tree.Sha256Of(Build, "vivid", "armhf", CdImagePart.Custom);
        Assert.Equal($"build {Build}: vivid-preinstalled-touch-armhf.device.tar.gz: its SHA-256 is {actual}, not the expected {listed}", error.Message);
        Assert.Empty(_fixture.WorkLeftovers());
    }

    [Fact]
    public async Task ACorruptTarballFailsWithAOneLineReason()
    {
        var path = _fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Custom);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^30]);
        _fixture.Tree.RewriteSums(Build);

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(_fixture.Entry("cdimage-custom", "custom")));

        Assert.StartsWith($"build {Build}: vivid-preinstalled-touch-armhf.custom.tar.gz: ", error.Message);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(_fixture.WorkLeftovers());
    }

    [Fact]
    public async Task NoBuildWithTheFileGivesNothing()
    {
        File.Delete(_fixture.Tree.PathOf(Build, "vivid", "armhf", CdImagePart.Custom));

        Assert.Null(await _fixture.GenerateAsync(_fixture.Entry("cdimage-custom", "custom")));
        Assert.Contains("has vivid-preinstalled-touch-armhf.custom.tar.gz and SHA256SUMS", Assert.Single(_fixture.Reporter.Lines));
    }
}
