using SystemImage.Core.Compression;

namespace SystemImage.Core.Images.Parts;

/// <summary>Tells a part's real compression from its first bytes, and names compressions in messages.</summary>
internal static class PartSniffer
{
    /// <summary>Bytes <see cref="Detect"/> wants to see: one tar header block.</summary>
    public const int HeadSize = 512;

    private const int MagicOffset = 257;

    /// <summary>The compression <paramref name="head"/> starts with; null when it is none of gzip, xz, zstd, bzip2 or a ustar/GNU tar.</summary>
    public static PartCompression? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return PartCompression.Gzip;
        }

        if (Xz.IsXz(head))
        {
            return PartCompression.Xz;
        }

        if (ZstdDecoderStream.IsZstd(head))
        {
            return PartCompression.Zstd;
        }

        // bzip2's magic is text ("BZh9") that a tar's first entry name could start with: a tar header comes first.
        if (HasTarMagic(head))
        {
            return PartCompression.Tar;
        }

        return Bzip2DecoderStream.IsBzip2(head) ? PartCompression.Bzip2 : null;
    }

    /// <summary>True when <paramref name="block"/> is a tar header with the POSIX (<c>ustar\0</c>) or GNU (<c>ustar  \0</c>) magic.</summary>
    public static bool HasTarMagic(ReadOnlySpan<byte> block) =>
        block.Length >= HeadSize
        && block[MagicOffset..].StartsWith("ustar"u8)
        && block[MagicOffset + 5] is 0 or (byte)' ';

    /// <summary>The file name suffix a client uses for <paramref name="compression"/>.</summary>
    public static string Extension(PartCompression compression) => compression switch
    {
        PartCompression.Tar => ".tar",
        PartCompression.Gzip => ".tar.gz",
        PartCompression.Xz => ".tar.xz",
        PartCompression.Zstd => ".tar.zst",
        PartCompression.Bzip2 => ".tar.bz2",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };

    /// <summary>What the file turned out to be, for "announced .tar.gz but the file is xz".</summary>
    public static string Describe(PartCompression compression) => compression switch
    {
        PartCompression.Tar => "an uncompressed tar",
        PartCompression.Gzip => "gzip",
        PartCompression.Xz => "xz",
        PartCompression.Zstd => "zstd",
        PartCompression.Bzip2 => "bzip2",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, null),
    };
}
