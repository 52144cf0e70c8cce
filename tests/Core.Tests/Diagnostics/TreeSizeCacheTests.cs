using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SystemImage.Core.Configuration;
using SystemImage.Core.Diagnostics;
using SystemImage.Core.Tests.Signing;
using Xunit;

namespace SystemImage.Core.Tests.Diagnostics;

public static class TreeSizeCacheTests
{
    public sealed class Walk : IDisposable
    {
        private readonly TempDirectory _root = new();

        public void Dispose() => _root.Dispose();

        [Fact]
        public void CountsEveryFileAndItsBytesInNestedDirectories()
        {
            Write("channels.json", 10);
            Write("stable/mako/index.json", 200);
            Write("pool/ubuntu-abc.tar.xz", 3000);
            Write(".hidden-temp", 4);
            Directory.CreateDirectory(_root.Combine("empty", "dir"));

            Assert.Equal(new TreeSize(3214, 4), TreeSizeCache.Walk(_root.Path));
        }

        [Fact]
        public void AMissingRootIsEmpty()
        {
            Assert.Equal(default, TreeSizeCache.Walk(_root.Combine("not-there")));
        }

        [Fact]
        public void DoesNotFollowALinkToADirectoryOutsideTheRoot()
        {
            using var outside = new TempDirectory();
            File.WriteAllBytes(outside.Combine("big"), new byte[5000]);
            Write("index.json", 7);
            Directory.CreateSymbolicLink(_root.Combine("elsewhere"), outside.Path);

            Assert.Equal(new TreeSize(7, 1), TreeSizeCache.Walk(_root.Path));
        }

        private void Write(string path, int length)
        {
            var full = _root.Combine(path.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, new byte[length]);
        }
    }

    public sealed class Measure : IDisposable
    {
        private readonly TempDirectory _root = new();
        private readonly FakeTimeProvider _time = new();
        private readonly TreeSizeCache _cache;

        public Measure()
        {
            _cache = new TreeSizeCache(Options.Create(new SystemImageOptions { PublishRoot = _root.Path }), _time);
        }

        public void Dispose() => _root.Dispose();

        [Fact]
        public void ReusesTheLastWalkUntilItIsOlderThanMaxAge()
        {
            File.WriteAllBytes(_root.Combine("a"), new byte[100]);
            Assert.Equal(new TreeSize(100, 1), _cache.Measure());

            File.WriteAllBytes(_root.Combine("b"), new byte[50]);
            _time.Advance(TreeSizeCache.MaxAge - TimeSpan.FromSeconds(1));
            Assert.Equal(new TreeSize(100, 1), _cache.Measure());

            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(new TreeSize(150, 2), _cache.Measure());
        }

        [Fact]
        public void SeesTheRootAppearAfterItWasMissing()
        {
            var cache = new TreeSizeCache(Options.Create(new SystemImageOptions { PublishRoot = _root.Combine("www") }), _time);
            Assert.Equal(default, cache.Measure());

            Directory.CreateDirectory(_root.Combine("www"));
            File.WriteAllBytes(_root.Combine("www", "channels.json"), new byte[3]);
            _time.Advance(TreeSizeCache.MaxAge);

            Assert.Equal(new TreeSize(3, 1), cache.Measure());
        }
    }
}
