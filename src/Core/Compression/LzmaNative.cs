using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>The liblzma entry points the .xz streams need.</summary>
internal static unsafe partial class LzmaNative
{
    private const string Library = "liblzma.so.5";

    public const int CheckCrc64 = 4;
    public const uint PresetExtreme = 1u << 31;
    public const uint Concatenated = 0x08;

    [LibraryImport(Library, EntryPoint = "lzma_stream_encoder_mt")]
    public static partial LzmaReturn StreamEncoderMt(LzmaStream* stream, LzmaMt* options);

    /// <summary>The memory an encoder made with these options would need; <see cref="ulong.MaxValue"/> when they are invalid.</summary>
    [LibraryImport(Library, EntryPoint = "lzma_stream_encoder_mt_memusage")]
    public static partial ulong StreamEncoderMtMemUsage(LzmaMt* options);

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder_mt")]
    public static partial LzmaReturn StreamDecoderMt(LzmaStream* stream, LzmaMt* options);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    public static partial LzmaReturn Code(LzmaStream* stream, LzmaAction action);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    public static partial void End(LzmaStream* stream);

    /// <summary>The memory the coder uses now; after LZMA_MEMLIMIT_ERROR, what it would need to go on.</summary>
    [LibraryImport(Library, EntryPoint = "lzma_memusage")]
    public static partial ulong MemUsage(LzmaStream* stream);

    [LibraryImport(Library, EntryPoint = "lzma_physmem")]
    public static partial ulong PhysMem();
}
