using SystemImage.Server.StaticTree;
using Xunit;

namespace SystemImage.Server.Tests.StaticTree;

public sealed class CachingFileProviderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tree-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void HashesASettledLargeFileOncePerVersion()
    {
        var file = Path.Combine(_root, "pool.tar.xz");
        var time = DateTime.UtcNow.AddMinutes(-5);
        Write(file, new byte[200 * 1024], time);
        using var provider = new CachingFileProvider(_root);
        var first = Tag(provider, "/pool.tar.xz");

        // Bytes changed behind the server's back with length and time kept: a pool file never changes, so the tag
        // of this version is not computed again.
        Write(file, [.. new byte[200 * 1024 - 1], 1], time);
        Assert.Equal(first, Tag(provider, "/pool.tar.xz"));

        // A new version (a new modification time) is hashed again.
        Write(file, [.. new byte[200 * 1024 - 1], 1], time.AddTicks(1));
        Assert.NotEqual(first, Tag(provider, "/pool.tar.xz"));
    }

    [Fact]
    public void TagsSmallFilesFromTheBytesItServes()
    {
        var file = Path.Combine(_root, "index.json");
        Write(file, "{\"a\": 1}"u8.ToArray(), DateTime.UtcNow);
        using var provider = new CachingFileProvider(_root);

        var served = Assert.IsType<TreeFile>(provider.GetFileInfo("/index.json"));
        using var reader = new StreamReader(served.CreateReadStream());

        Assert.Equal("{\"a\": 1}", reader.ReadToEnd());
        Assert.Equal(ContentTag.Of("{\"a\": 1}"u8), served.ETag);
    }

    private static string Tag(CachingFileProvider provider, string path) =>
        Assert.IsType<TreeFile>(provider.GetFileInfo(path)).ETag.ToString();

    private static void Write(string path, byte[] content, DateTime time)
    {
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, time);
    }
}
