using System.Formats.Tar;
using System.Security.Cryptography;
using SystemImage.Core.Compression;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>Reads every entry of a tar or .tar.xz.</summary>
internal static class TarListing
{
    public static List<TarItem> ReadTarXz(string path)
    {
        using var file = File.OpenRead(path);
        using var xz = new XzDecoderStream(file);
        return Read(xz);
    }

    public static List<TarItem> Read(Stream tar)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        var items = new List<TarItem>();
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            var posix = entry as PosixTarEntry;
            items.Add(new TarItem(
                entry.Name, entry.EntryType, entry.Mode, entry.Uid, entry.Gid, posix?.UserName ?? "", posix?.GroupName ?? "",
                entry.ModificationTime, entry.LinkName, posix?.DeviceMajor ?? 0, posix?.DeviceMinor ?? 0,
                Convert.ToHexStringLower(SHA256.HashData(content.ToArray()))));
        }

        return items;
    }

    public static byte[] DecompressXz(string path)
    {
        using var file = File.OpenRead(path);
        using var xz = new XzDecoderStream(file);
        using var tar = new MemoryStream();
        xz.CopyTo(tar);
        return tar.ToArray();
    }
}
