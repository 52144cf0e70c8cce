using SystemImage.Core.Compression;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Whole-buffer helpers over the streams under test.</summary>
internal static class InProcessXz
{
    /// <summary>Small blocks so that a few megabytes make a multi-block file.</summary>
    public static readonly XzSettings Fast = new() { Preset = 6, Threads = 2, BlockSize = 1 << 20 };

    public static byte[] Compress(byte[] data, XzSettings settings)
    {
        using var sink = new MemoryStream();
        using (var encoder = new XzEncoderStream(sink, settings, leaveOpen: true))
        {
            encoder.Write(data);
        }

        return sink.ToArray();
    }

    public static byte[] Decompress(byte[] xz, int readSize = 1 << 16)
    {
        using var decoder = new XzDecoderStream(new MemoryStream(xz));
        using var result = new MemoryStream();
        var buffer = new byte[readSize];
        int count;
        while ((count = decoder.Read(buffer)) > 0)
        {
            result.Write(buffer, 0, count);
        }

        return result.ToArray();
    }
}
