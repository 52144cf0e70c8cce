using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>The same source gives the same pool path and bytes, and a file the pool has is never made again.</summary>
public sealed class CdImageContentAddressingTests
{
    private const string Build = CdImageFixture.Build1;

    [Theory]
    [InlineData("cdimage-ubuntu", "ubuntu", CdImagePart.Rootfs)]
    [InlineData("cdimage-device", "device", CdImagePart.Device)]
    [InlineData("cdimage-custom", "custom", CdImagePart.Custom)]
    public async Task AFileThePoolHasIsReturnedWithoutReadingTheSource(string generator, string name, CdImagePart part)
    {
        await using var fixture = await CdImageFixture.CreateAsync();
        var session = fixture.NewSession();
        var first = (await fixture.GenerateAsync(fixture.Entry(generator, name), session: session))!;
        await fixture.CommitAsync(session, first);

        // Listed in SHA256SUMS as before, but unreadable as a tarball: reading it would fail.
        File.WriteAllText(fixture.Tree.PathOf(Build, "vivid", "armhf", part), "overwritten\n");
        var second = await fixture.GenerateAsync(fixture.Entry(generator, name), version: 2);

        Assert.NotNull(second);
        Assert.Equal((first.Path, first.Checksum, first.Size), (second.Path, second.Checksum, second.Size));
        Assert.Equal($"mako: {name}: build {Build} ({fixture.Tree.FileName("vivid", "armhf", part)}) is already in the pool as {first.Path}", fixture.Reporter.Lines[^1]);
    }

    [Fact]
    public async Task DevicesOfOneArchitectureShareTheFileMadeOncePerRun()
    {
        await using var fixture = await CdImageFixture.CreateAsync();
        var session = fixture.NewSession();

        var mako = await fixture.GenerateAsync(fixture.Entry("cdimage-ubuntu", "ubuntu"), "mako", session);
        var flo = await fixture.GenerateAsync(fixture.Entry("cdimage-ubuntu", "ubuntu"), "flo", session);

        Assert.Same(mako, flo);
        Assert.Single(fixture.Reporter.Lines, l => l.Contains("importing build", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cdimage-ubuntu")]
    [InlineData("cdimage-device")]
    public async Task TheSameSourceGivesAByteIdenticalPoolFileInAnotherDataDirectory(string generator)
    {
        await using var one = await CdImageFixture.CreateAsync(seed: 11);
        await using var other = await CdImageFixture.CreateAsync(seed: 11);
        Assert.Equal(
            one.Tree.Sha256Of(Build, "vivid", "armhf", CdImagePart.Rootfs),
            other.Tree.Sha256Of(Build, "vivid", "armhf", CdImagePart.Rootfs));

        var a = (await one.GenerateAsync(one.Entry(generator, "part"), version: 1))!;
        var b = (await other.GenerateAsync(other.Entry(generator, "part"), version: 7))!;

        Assert.Equal((a.Path, a.Checksum, a.Size), (b.Path, b.Checksum, b.Size));
    }

    [Fact]
    public async Task AnotherSeedGivesAnotherPoolPath()
    {
        await using var one = await CdImageFixture.CreateAsync(seed: 11);
        await using var other = await CdImageFixture.CreateAsync(seed: 12);

        var a = (await one.GenerateAsync(one.Entry("cdimage-ubuntu", "ubuntu")))!;
        var b = (await other.GenerateAsync(other.Entry("cdimage-ubuntu", "ubuntu")))!;

        Assert.NotEqual(a.Path, b.Path);
    }
}
