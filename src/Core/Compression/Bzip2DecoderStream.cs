using SharpCompress.Compressors;
using SharpCompress.Compressors.BZip2;

namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses bzip2 with SharpCompress's decoder: one stream or several one after the other
/// (as <c>pbzip2</c> and <c>lbzip2</c> write them), every block's CRC and each stream's combined CRC checked. Bad
/// input throws <see cref="InvalidDataException"/> (see <see cref="SharpCompressDecoderStream"/>); unlike
/// <c>bzip2 -d</c>, which warns and goes on, data after the last stream is refused too. Each stream gets a decoder of
/// its own: SharpCompress's, left to find the next stream itself, takes <c>BZh</c> and a byte that is not a block size
/// for the end of the input and ignores whatever follows. A decoder takes about
/// 6 MB whatever the input. Not thread-safe.
/// </summary>
public sealed class Bzip2DecoderStream : SharpCompressDecoderStream
{
    /// <param name="input">Supplies the compressed bytes; it is read to its end.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    public Bzip2DecoderStream(Stream input, bool leaveOpen = false)
        : base(input, leaveOpen)
    {
    }

    /// <inheritdoc />
    protected override string FormatName => "bzip2";

    /// <summary>
    /// The decoder's async path reads its input byte by byte through awaits: measured a third slower than the
    /// synchronous one. Its input is buffered, so a synchronous read blocks only when the 64 KiB buffer runs dry.
    /// </summary>
    protected override bool DecodesAsynchronously => false;

    /// <summary>True when <paramref name="header"/> starts with the bzip2 magic: <c>BZh</c> and a block size digit 1-9.</summary>
    public static bool IsBzip2(ReadOnlySpan<byte> header) =>
        header.Length >= 4 && header.StartsWith("BZh"u8) && header[3] is >= (byte)'1' and <= (byte)'9';

    /// <inheritdoc />
    protected override Stream CreateDecoder(Stream input) =>
        BZip2Stream.Create(input, CompressionMode.Decompress, decompressConcatenated: false, leaveOpen: true, tolerateTruncatedStream: false);

    /// <inheritdoc />
    protected override bool StartsAnotherStream(ReadOnlySpan<byte> next) => IsBzip2(next);
}
