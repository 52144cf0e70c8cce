using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>The managed structs must match liblzma's x86-64 layouts (see STACK.md, liblzma).</summary>
public sealed class LzmaLayoutTests
{
    public sealed class LzmaStreamLayout
    {
        [Fact]
        public void Is136Bytes()
        {
            Assert.Equal(136, Unsafe.SizeOf<LzmaStream>());
            Assert.Equal(136, Marshal.SizeOf<LzmaStream>());
        }

        [Theory]
        [InlineData(nameof(LzmaStream.NextIn), 0)]
        [InlineData(nameof(LzmaStream.AvailIn), 8)]
        [InlineData(nameof(LzmaStream.TotalIn), 16)]
        [InlineData(nameof(LzmaStream.NextOut), 24)]
        [InlineData(nameof(LzmaStream.AvailOut), 32)]
        [InlineData(nameof(LzmaStream.TotalOut), 40)]
        [InlineData(nameof(LzmaStream.Allocator), 48)]
        [InlineData(nameof(LzmaStream.Internal), 56)]
        [InlineData(nameof(LzmaStream.SeekPos), 96)]
        public void PutsFieldAtTheDocumentedOffset(string field, int offset)
        {
            Assert.Equal(offset, (int)Marshal.OffsetOf<LzmaStream>(field));
        }
    }

    public sealed class LzmaMtLayout
    {
        [Fact]
        public void Is128Bytes()
        {
            Assert.Equal(128, Unsafe.SizeOf<LzmaMt>());
            Assert.Equal(128, Marshal.SizeOf<LzmaMt>());
        }

        [Theory]
        [InlineData(nameof(LzmaMt.Flags), 0)]
        [InlineData(nameof(LzmaMt.Threads), 4)]
        [InlineData(nameof(LzmaMt.BlockSize), 8)]
        [InlineData(nameof(LzmaMt.Timeout), 16)]
        [InlineData(nameof(LzmaMt.Preset), 20)]
        [InlineData(nameof(LzmaMt.Filters), 24)]
        [InlineData(nameof(LzmaMt.Check), 32)]
        [InlineData(nameof(LzmaMt.MemlimitThreading), 64)]
        [InlineData(nameof(LzmaMt.MemlimitStop), 72)]
        public void PutsFieldAtTheDocumentedOffset(string field, int offset)
        {
            Assert.Equal(offset, (int)Marshal.OffsetOf<LzmaMt>(field));
        }
    }

    public sealed class NativeLibrary
    {
        [Fact]
        public void LoadsLiblzmaAndReportsPhysicalMemory()
        {
            Assert.True(LzmaNative.PhysMem() > 0);
        }
    }
}
