namespace SystemImage.Core.Compression;

/// <summary>
/// xz settings for the files of a few kilobytes the server builds itself: keyring tarballs (every device keyring on
/// each publish) and version tarballs. Preset 0's 256 KiB dictionary is larger than any of them, so a bigger preset
/// only costs time: preset 9 spends about 60 ms setting up its 64 MiB dictionary per file, preset 0 under 1 ms, for
/// output within a few bytes of it. Any xz reader (liblzma, Python's lzma, <c>xz -d</c>) decodes it.
/// </summary>
public static class SmallFileXz
{
    public static XzSettings Settings { get; } = new() { Preset = 0, Threads = 1 };
}
