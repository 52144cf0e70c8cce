using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace SystemImage.Server.StaticTree;

/// <summary>Strong entity tags from content: the first 128 bits of its SHA-256, in hex.</summary>
internal static class ContentTag
{
    private const int BufferSize = 1 << 20;

    public static EntityTagHeaderValue Of(ReadOnlySpan<byte> content) => Tag(SHA256.HashData(content));

    /// <summary>Streams the file at <paramref name="path"/> through SHA-256.</summary>
    public static EntityTagHeaderValue OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.SequentialScan);
        return Tag(SHA256.HashData(stream));
    }

    private static EntityTagHeaderValue Tag(byte[] hash) => new($"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"");
}
