using System.Security.Cryptography;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ReproducibilityTests
{
    [Fact]
    public async Task TheSameBuildsPublishedInTwoServersGiveByteIdenticalImageFiles()
    {
        var first = await PublishTwoBuildsAsync();
        await Task.Delay(1100);
        var second = await PublishTwoBuildsAsync();

        Assert.Equal(first, second);
        Assert.Contains(first.Keys, k => k.Contains(".delta-", StringComparison.Ordinal));
        Assert.Contains(first.Keys, k => k.EndsWith("version-2.tar.xz", StringComparison.Ordinal));
    }

    /// <summary>Hashes of every image file (pool files, deltas, version tarballs and sidecars; not signatures or indexes).</summary>
    private static async Task<Dictionary<string, string>> PublishTwoBuildsAsync()
    {
        await using var fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));
        Assert.True((await fixture.PublishBuildAsync("devel", "mako", 1)).Succeeded);
        Assert.True((await fixture.PublishBuildAsync("devel", "mako", 2)).Succeeded);
        return Directory.EnumerateFiles(fixture.Data.PublishRoot, "*", SearchOption.AllDirectories)
            .Where(f => (f.Contains("/pool/", StringComparison.Ordinal) || f.Contains("version-", StringComparison.Ordinal)) && !f.EndsWith(".asc", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(fixture.Data.PublishRoot, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
    }
}
