using SharpCompress.Compressors.ZStandard;
using SharpCompress.Compressors.ZStandard.Unsafe;

namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses Zstandard with SharpCompress's decoder: one frame or several one after the other
/// (as <c>zstd</c>, <c>zstd -T0</c> and <c>pzstd</c> write them, skippable frames included), each frame's checksum
/// checked when it has one. Bad input throws <see cref="InvalidDataException"/> (see <see cref="SharpCompressDecoderStream"/>),
/// as does a frame that needs a window larger than <see cref="MaxWindowLog"/> allows, which bounds the memory one
/// decoder takes. Not thread-safe.
/// </summary>
public sealed class ZstdDecoderStream : SharpCompressDecoderStream
{
    /// <summary>
    /// The largest window accepted, as a power of two: 2^27 = 128 MiB, what the <c>zstd</c> tool itself decodes without
    /// <c>--memory</c>, and enough for every level up to <c>--ultra -22</c> and for <c>--long</c> (not <c>--long=31</c>).
    /// </summary>
    public const int MaxWindowLog = 27;

    /// <summary>The most bytes a frame header takes (ZSTD_FRAMEHEADERSIZE_MAX): what <see cref="ContentSizeOrNull"/> wants to see.</summary>
    public const int MaxFrameHeaderSize = 18;

    /// <param name="input">Supplies the compressed bytes; it is read to its end.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    public ZstdDecoderStream(Stream input, bool leaveOpen = false)
        : base(input, leaveOpen)
    {
    }

    /// <inheritdoc />
    protected override string FormatName => "zstd";

    /// <summary>True when <paramref name="header"/> starts with a Zstandard frame (<c>28 B5 2F FD</c>) or a skippable frame (<c>5? 2A 4D 18</c>, which <c>pzstd</c> writes first).</summary>
    public static bool IsZstd(ReadOnlySpan<byte> header) =>
        header.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD])
        || (header.Length >= 4 && (header[0] & 0xF0) == 0x50 && header[1..].StartsWith((ReadOnlySpan<byte>)[0x2A, 0x4D, 0x18]));

    /// <summary>
    /// The decompressed size the first frame's header declares (the <c>zstd</c> tool writes it when it compresses a file);
    /// null when <paramref name="header"/> does not start with a frame that declares one.
    /// </summary>
    public static unsafe long? ContentSizeOrNull(ReadOnlySpan<byte> header)
    {
        ulong size;
        fixed (byte* start = header)
        {
            size = Methods.ZSTD_getFrameContentSize(start, (nuint)header.Length);
        }

        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest values.
        return size is > 0 and <= long.MaxValue ? (long)size : null;
    }

    /// <inheritdoc />
    protected override Stream CreateDecoder(Stream input)
    {
        var decoder = new DecompressionStream(input, checkEndOfStream: true, leaveOpen: true);
        decoder.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, MaxWindowLog);
        return decoder;
    }

    /// <inheritdoc />
    protected override string? ExplainOrNull(Exception error) =>
        error is ZstdException { Code: ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge }
            ? $"a frame needs a window larger than the {1 << (MaxWindowLog - 20)} MiB this server decodes with (compress with zstd --long={MaxWindowLog} or less, not --long=31)"
            : null;
}
