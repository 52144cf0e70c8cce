namespace SystemImage.Core.Compression;

/// <summary>Turns liblzma's error codes into exceptions with a message a person can act on.</summary>
internal static class LzmaErrors
{
    public static Exception ForEncoder(LzmaReturn code) => code switch
    {
        LzmaReturn.MemError => new InsufficientMemoryException("liblzma could not allocate memory for the .xz encoder (LZMA_MEM_ERROR)."),
        LzmaReturn.OptionsError or LzmaReturn.UnsupportedCheck =>
            new ArgumentException("liblzma rejected the .xz compression settings (LZMA_OPTIONS_ERROR): check the preset, block size and thread count."),
        LzmaReturn.DataError => new InvalidOperationException("The input is too large for a single .xz stream (LZMA_DATA_ERROR)."),
        _ => Unexpected(code),
    };

    public static Exception ForDecoder(LzmaReturn code, ulong offset) => code switch
    {
        LzmaReturn.FormatError => new InvalidDataException($"The input is not an .xz file: the header at byte {offset} does not start with the .xz magic bytes (LZMA_FORMAT_ERROR)."),
        LzmaReturn.DataError => new InvalidDataException($"The .xz data is corrupt near compressed byte {offset}: a header, size or checksum does not match (LZMA_DATA_ERROR)."),
        LzmaReturn.BufError => new InvalidDataException($"The .xz data is truncated: the input ended after {offset} bytes, before the end of the stream (LZMA_BUF_ERROR)."),
        LzmaReturn.OptionsError => new InvalidDataException($"The .xz file uses options this liblzma does not support, near compressed byte {offset} (LZMA_OPTIONS_ERROR)."),
        LzmaReturn.UnsupportedCheck => new InvalidDataException("The .xz file uses an integrity check type this liblzma does not support (LZMA_UNSUPPORTED_CHECK)."),
        LzmaReturn.MemError => new InsufficientMemoryException("liblzma could not allocate memory for the .xz decoder (LZMA_MEM_ERROR)."),
        LzmaReturn.MemlimitError => MemoryLimit(0, 0),
        _ => Unexpected(code),
    };

    /// <summary>A file whose decoding needs more than the decoder may use: bad input, refused like a corrupt one.</summary>
    /// <param name="needed">What liblzma says decoding needs, when it says more than <paramref name="limit"/> (the multi-threaded decoder does not).</param>
    /// <param name="limit">The decoder's limit in bytes.</param>
    public static InvalidDataException MemoryLimit(ulong needed, long limit) => new(
        (limit > 0 && needed > (ulong)limit
            ? $"The .xz file needs {Mebibytes(needed)} MiB to decompress, over the limit of {Mebibytes((ulong)limit)} MiB"
            : $"The .xz file needs more memory to decompress than the limit{(limit > 0 ? $" of {Mebibytes((ulong)limit)} MiB" : "")}")
        + " (SystemImage:Compression:MemoryLimitMiB); it is refused (LZMA_MEMLIMIT_ERROR).");

    private static ulong Mebibytes(ulong bytes) => (bytes + (1 << 20) - 1) >> 20;

    private static InvalidOperationException Unexpected(LzmaReturn code) => code == LzmaReturn.ProgError
        ? new InvalidOperationException("liblzma reported a programming error (LZMA_PROG_ERROR); this is a bug in the .xz wrapper.")
        : new InvalidOperationException($"liblzma returned an unexpected code {(int)code} ({code}).");
}
