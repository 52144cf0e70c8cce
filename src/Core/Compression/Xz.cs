namespace SystemImage.Core.Compression;

/// <summary>Whole-stream .xz compression and decompression over liblzma.</summary>
public static class Xz
{
    private const int CopyBufferSize = 1 << 20;

    private static ReadOnlySpan<byte> Magic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    /// <summary>Compresses <paramref name="input"/> (read to its end) into one .xz stream written to <paramref name="output"/>. Neither stream is closed.</summary>
    public static async Task CompressAsync(Stream input, Stream output, XzSettings settings, CancellationToken ct)
    {
        var encoder = new XzEncoderStream(output, settings, leaveOpen: true);
        try
        {
            await input.CopyToAsync(encoder, CopyBufferSize, ct);
            await encoder.CompleteAsync(ct);
        }
        catch
        {
            // Don't spend time finishing an .xz stream nobody will use.
            encoder.Abandon();
            throw;
        }

        await encoder.DisposeAsync();
    }

    /// <summary>Decompresses the .xz data in <paramref name="input"/> into <paramref name="output"/>. Neither stream is closed.</summary>
    /// <exception cref="InvalidDataException">The input is not .xz, or is truncated or corrupt.</exception>
    public static async Task DecompressAsync(Stream input, Stream output, CancellationToken ct)
    {
        await using var decoder = new XzDecoderStream(input, leaveOpen: true);
        await decoder.CopyToAsync(output, CopyBufferSize, ct);
    }

    /// <summary>True when <paramref name="header"/> starts with the .xz magic bytes <c>FD 37 7A 58 5A 00</c>.</summary>
    public static bool IsXz(ReadOnlySpan<byte> header) => header.StartsWith(Magic);
}
