using SystemImage.Core.Compression;
using SystemImage.Core.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images;

/// <summary>The delta generator's manifests of pool tarballs are a cache: deltas come out the same with or without them.</summary>
public sealed class ManifestCacheTests
{
    [Fact]
    public async Task PublishingKeepsAManifestOfEachNewPart()
    {
        await using var fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));

        Assert.True((await fixture.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        Assert.True((await fixture.PublishBuildAsync("devel", "mako", 2)).Succeeded);

        Assert.Equal((await fixture.PartChecksumsAsync()).Order(), fixture.ManifestChecksums().Order());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("damaged")]
    public async Task ADeltaIsTheSameWhenTheManifestsAreMissingOrDamaged(string what)
    {
        await using var cached = await ImageFixture.CreateAsync(("devel", ["mako"]));
        await using var rebuilt = await ImageFixture.CreateAsync(("devel", ["mako"]));
        foreach (var fixture in new[] { cached, rebuilt })
        {
            Assert.True((await fixture.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        }

        foreach (var file in Directory.EnumerateFiles(rebuilt.ManifestDirectory))
        {
            if (what == "missing")
            {
                File.Delete(file);
            }
            else
            {
                var bytes = File.ReadAllBytes(file);
                bytes[bytes.Length / 2] ^= 0xff;
                File.WriteAllBytes(file, bytes);
            }
        }

        foreach (var fixture in new[] { cached, rebuilt })
        {
            Assert.True((await fixture.PublishBuildAsync("devel", "mako", 2)).Succeeded);
        }

        var delta = Directory.EnumerateFiles(Path.Combine(cached.Data.PublishRoot, "pool"), "*.delta-*.tar.xz").Single();
        Assert.Equal(
            await File.ReadAllBytesAsync(delta),
            await File.ReadAllBytesAsync(Path.Combine(rebuilt.Data.PublishRoot, "pool", Path.GetFileName(delta))));
        Assert.Equal((await rebuilt.PartChecksumsAsync()).Order(), rebuilt.ManifestChecksums().Order());
    }

    [Fact]
    public async Task ADeltaReadFromTheUploadedTarGzIsTheSameAsOneReadFromThePoolFile()
    {
        await using var fromGzip = await ImageFixture.CreateAsync(("devel", ["mako"]));
        await using var fromXz = await ImageFixture.CreateAsync(("devel", ["mako"]));
        for (var build = 1; build <= 2; build++)
        {
            Assert.True((await fromGzip.PublishBuildAsync("devel", "mako", build)).Succeeded);

            // A .tar.xz upload is stored as it is, so its delta reads the tar back from the pool.
            var gzip = SimpleTarball.WriteBuild(Path.Combine(fromXz.Inputs, $"rootfs-{build}.tar.gz"), build);
            var xz = Path.ChangeExtension(gzip, null) + ".xz";
            await using (var input = new GzipDecoderStream(File.OpenRead(gzip)))
            await using (var output = File.Create(xz))
            {
                await Xz.CompressAsync(input, output, new XzSettings { Preset = 1 }, CancellationToken.None);
            }

            var published = await fromXz.Data.Get<ImageService>().PublishAsync(
                new PublishImageRequest("devel", "mako", [new PartInput("ubuntu", xz)]), ImageFixture.Tester, CancellationToken.None);
            Assert.True(published.Succeeded, published.Message);
        }

        string Delta(ImageFixture fixture) => Directory.EnumerateFiles(Path.Combine(fixture.Data.PublishRoot, "pool"), "*.delta-*.tar.xz").Single();
        Assert.Equal(await File.ReadAllBytesAsync(Delta(fromGzip)), await File.ReadAllBytesAsync(Delta(fromXz)));
    }
}
