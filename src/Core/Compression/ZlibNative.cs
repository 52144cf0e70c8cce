using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>The system zlib entry points <see cref="GzipDecoderStream"/> needs.</summary>
internal static unsafe partial class ZlibNative
{
    private const string Library = "libz.so.1";

    /// <summary>zlib checks only the major version and the struct size.</summary>
    private static ReadOnlySpan<byte> Version => "1.2.13\0"u8;

    /// <summary>15-bit window, gzip wrapper only (16 + 15).</summary>
    public const int GzipWindowBits = 31;

    public const int NoFlush = 0;

    public static int InflateInit(ZStream* stream)
    {
        fixed (byte* version = Version)
        {
            return InflateInit2(stream, GzipWindowBits, version, sizeof(ZStream));
        }
    }

    [LibraryImport(Library, EntryPoint = "inflateInit2_")]
    private static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(Library, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Library, EntryPoint = "inflateReset")]
    public static partial int InflateReset(ZStream* stream);

    [LibraryImport(Library, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);
}
