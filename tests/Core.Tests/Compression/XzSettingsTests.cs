using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzSettingsTests
{
    public sealed class ForInputSize
    {
        [Fact]
        public void SplitsASmallInputEvenlyAcrossTheThreads() =>
            Assert.Equal(5 << 20, new XzSettings { Preset = 6, Threads = 2 }.ForInputSize(10 << 20).BlockSize);

        [Fact]
        public void NeverExceedsLiblzmasDefaultBlockSoMemoryStaysBounded() =>
            Assert.Equal(3L * (8 << 20), new XzSettings { Preset = 6, Threads = 2 }.ForInputSize(1L << 30).BlockSize);

        [Fact]
        public void KeepsAConfiguredBlockSizeAndAnUnknownSize()
        {
            Assert.Equal(1 << 22, new XzSettings { BlockSize = 1 << 22 }.ForInputSize(1L << 30).BlockSize);
            Assert.Equal(0, new XzSettings().ForInputSize(null).BlockSize);
        }

        [Fact]
        public void DoesNotSplitBelowOneMebibyte() =>
            Assert.Equal(XzSettings.MinimumSplitBlock, new XzSettings { Threads = 4 }.ForInputSize(100_000).BlockSize);
    }
}
