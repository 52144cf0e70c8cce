using SystemImage.Core.Generators;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>Which build the cdimage generators take, and when they give nothing or fail.</summary>
public sealed class CdImageBuildSelectionTests : IAsyncLifetime
{
    private CdImageFixture _fixture = null!;

    private CdImageTree Tree => _fixture.Tree;

    public async Task InitializeAsync() => _fixture = await CdImageFixture.CreateAsync(withBuild: false);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private ImportFile Ubuntu(params (string, string)[] options) => _fixture.Entry("cdimage-ubuntu", "ubuntu", options);

    [Fact]
    public async Task TakesTheNumericallyNewestBuildAndIgnoresLinksAndFiles()
    {
        Tree.AddBuild("20261125").AddBuild("20261125.2").AddBuild("20261125.10").AddBuild("20261124.99")
            .Link("current", "20261125.2").Link("pending", "20261125.2");

        var file = await _fixture.GenerateAsync(Ubuntu());

        Assert.NotNull(file);
        Assert.Equal("ubuntu=20261125.10", file.VersionDetail);
        Assert.Equal($"/pool/ubuntu-{Tree.Sha256Of("20261125.10", "vivid", "armhf", CdImagePart.Rootfs)}.tar.xz", file.Path);
        Assert.Equal("ubuntu", file.PartName);
        Assert.Equal("cdimage-ubuntu", file.Generator);
        Assert.Equal(Tree.PathOf("20261125.10", "vivid", "armhf", CdImagePart.Rootfs), file.Source);
    }

    [Fact]
    public async Task TakesTheFileOfTheDevicesArchitecture()
    {
        Tree.AddBuild("20261125");

        var mako = await _fixture.GenerateAsync(Ubuntu(), "mako");
        var x86 = await _fixture.GenerateAsync(Ubuntu(), "generic_x86");

        Assert.Equal($"/pool/ubuntu-{Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Rootfs)}.tar.xz", mako!.Path);
        Assert.Equal($"/pool/ubuntu-{Tree.Sha256Of("20261125", "vivid", "i386", CdImagePart.Rootfs)}.tar.xz", x86!.Path);
    }

    [Fact]
    public async Task SkipsNewerBuildsWithoutTheFileOrWithoutSha256Sums()
    {
        Tree.AddBuild("20261125").AddBuild("20261126").AddBuild("20261127");
        File.Delete(Tree.PathOf("20261127", "vivid", "armhf", CdImagePart.Rootfs));
        File.Delete(Path.Combine(Tree.BuildDirectory("20261126"), "SHA256SUMS"));

        var file = await _fixture.GenerateAsync(Ubuntu());

        Assert.Equal("ubuntu=20261125", file!.VersionDetail);
    }

    [Fact]
    public async Task ImportGoodTakesTheNewestBuildMarkedGood()
    {
        Tree.AddBuild("20261125", markedGood: true).AddBuild("20261126", markedGood: true).AddBuild("20261127");

        var good = await _fixture.GenerateAsync(Ubuntu(("import", "good")));
        var any = await _fixture.GenerateAsync(Ubuntu(("import", "any")));

        Assert.Equal("ubuntu=20261126", good!.VersionDetail);
        Assert.Equal("ubuntu=20261127", any!.VersionDetail);
    }

    [Fact]
    public async Task ImportGoodWithoutAMarkedBuildGivesNothingAndSaysWhy()
    {
        Tree.AddBuild("20261125").AddBuild("20261126");

        var file = await _fixture.GenerateAsync(Ubuntu(("import", "good")));

        Assert.Null(file);
        var line = Assert.Single(_fixture.Reporter.Lines);
        Assert.Equal(
            $"mako: ubuntu: nothing to import: none of the 2 build(s) under {Tree.Root} (newest 20261126) has vivid-preinstalled-touch-armhf.tar.gz, SHA256SUMS and .marked_good",
            line);
    }

    [Fact]
    public async Task AnArchitectureWithoutFilesGivesNothing()
    {
        Tree.AddBuild("20261125");

        Assert.Null(await _fixture.GenerateAsync(Ubuntu(), "generic_arm64"));
        Assert.Contains("vivid-preinstalled-touch-arm64.tar.gz", Assert.Single(_fixture.Reporter.Lines));
    }

    [Fact]
    public async Task AnotherProductGivesNothing()
    {
        Tree.AddBuild("20261125");

        Assert.Null(await _fixture.GenerateAsync(Ubuntu(("product", "pd"))));
    }

    [Fact]
    public async Task AMissingTreeGivesNothingAndSaysWhy()
    {
        var file = await _fixture.GenerateAsync(Ubuntu() with { Arguments = [Path.Combine(Tree.Root, "missing"), "vivid"] });

        Assert.Null(file);
        Assert.EndsWith("missing does not exist", Assert.Single(_fixture.Reporter.Lines));
    }

    [Fact]
    public async Task ATreeWithoutBuildsGivesNothingAndSaysWhy()
    {
        Tree.Link("current", "20261125");

        Assert.Null(await _fixture.GenerateAsync(Ubuntu()));
        Assert.EndsWith("has no build directories", Assert.Single(_fixture.Reporter.Lines));
    }

    [Fact]
    public async Task Sha256SumsThatDoNotListTheFileFail()
    {
        Tree.AddBuild("20261125");
        File.WriteAllText(Path.Combine(Tree.BuildDirectory("20261125"), "SHA256SUMS"), $"{new string('0', 64)} *other.tar.gz\n");

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(Ubuntu()));

        Assert.Equal("build 20261125: SHA256SUMS does not list vivid-preinstalled-touch-armhf.tar.gz", error.Message);
    }

    [Fact]
    public async Task ReadsTextModeSha256SumsWithUppercaseHashes()
    {
        Tree.AddBuild("20261125");
        var hash = Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Rootfs);
        File.WriteAllText(
            Path.Combine(Tree.BuildDirectory("20261125"), "SHA256SUMS"),
            $"not a checksum line\r\n{hash.ToUpperInvariant()}  vivid-preinstalled-touch-armhf.tar.gz\r\n");

        var file = await _fixture.GenerateAsync(Ubuntu());

        Assert.Equal($"/pool/ubuntu-{hash}.tar.xz", file!.Path);
    }

    [Fact]
    public async Task AFileThatDoesNotMatchSha256SumsFailsAndLeavesNothingBehind()
    {
        Tree.AddBuild("20261125");
        var listed = Tree.Sha256Of("20261125", "vivid", "armhf", CdImagePart.Rootfs);
        var path = Tree.PathOf("20261125", "vivid", "armhf", CdImagePart.Rootfs);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(Ubuntu()));

        Assert.StartsWith("build 20261125: vivid-preinstalled-touch-armhf.tar.gz: its SHA-256 is ", error.Message);
        Assert.EndsWith($", not the expected {listed} from SHA256SUMS", error.Message);
        Assert.Empty(_fixture.WorkLeftovers());
    }

    [Fact]
    public async Task ATruncatedTarGzFailsWithAOneLineReasonAndLeavesNothingBehind()
    {
        Tree.AddBuild("20261125");
        var path = Tree.PathOf("20261125", "vivid", "armhf", CdImagePart.Rootfs);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^100]);
        Tree.RewriteSums("20261125");

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(Ubuntu()));

        Assert.StartsWith("build 20261125: vivid-preinstalled-touch-armhf.tar.gz is not a valid .tar.gz: the gzip data is truncated", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(_fixture.WorkLeftovers());
    }

    [Fact]
    public async Task AFileThatIsNotGzipFails()
    {
        Tree.AddBuild("20261125");
        File.WriteAllText(Tree.PathOf("20261125", "vivid", "armhf", CdImagePart.Rootfs), "not a tarball\n");
        Tree.RewriteSums("20261125");

        var error = await Assert.ThrowsAsync<GeneratorException>(() => _fixture.GenerateAsync(Ubuntu()));

        Assert.StartsWith("build 20261125: vivid-preinstalled-touch-armhf.tar.gz is not a valid .tar.gz: ", error.Message);
        Assert.Empty(_fixture.WorkLeftovers());
    }
}
