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
        LzmaReturn.MemlimitError => new InvalidOperationException("Decompressing this .xz file needs more memory than the decoder's limit (LZMA_MEMLIMIT_ERROR)."),
        _ => Unexpected(code),
    };

    private static InvalidOperationException Unexpected(LzmaReturn code) => code == LzmaReturn.ProgError
        ? new InvalidOperationException("liblzma reported a programming error (LZMA_PROG_ERROR); this is a bug in the .xz wrapper.")
        : new InvalidOperationException($"liblzma returned an unexpected code {(int)code} ({code}).");
}
