using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>The managed <c>z_stream</c> must match zlib's LP64 layout (/usr/include/zlib.h).</summary>
public sealed class ZlibLayoutTests
{
    public sealed class ZStreamLayout
    {
        [Fact]
        public void Is112Bytes()
        {
            Assert.Equal(112, Unsafe.SizeOf<ZStream>());
            Assert.Equal(112, Marshal.SizeOf<ZStream>());
        }

        [Theory]
        [InlineData(nameof(ZStream.NextIn), 0)]
        [InlineData(nameof(ZStream.AvailIn), 8)]
        [InlineData(nameof(ZStream.TotalIn), 16)]
        [InlineData(nameof(ZStream.NextOut), 24)]
        [InlineData(nameof(ZStream.AvailOut), 32)]
        [InlineData(nameof(ZStream.TotalOut), 40)]
        [InlineData(nameof(ZStream.Message), 48)]
        public void PutsFieldAtTheDocumentedOffset(string field, int offset)
        {
            Assert.Equal(offset, (int)Marshal.OffsetOf<ZStream>(field));
        }
    }
}
