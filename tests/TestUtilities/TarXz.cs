using System.Formats.Tar;
using System.Text;
using SystemImage.Core.Compression;

namespace SystemImage.TestUtilities;

/// <summary>Small .tar.xz payloads for tests of generators that download or reuse them.</summary>
public static class TarXz
{
    /// <summary>A .tar.xz holding one regular file per (name, content) pair, fixed time and mode.</summary>
    public static byte[] Create(params (string Name, string Content)[] files)
    {
        using var output = new MemoryStream();
        using (var xz = new XzEncoderStream(output, new XzSettings { Preset = 1, Threads = 1 }, leaveOpen: true))
        using (var writer = new TarWriter(xz, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                });
            }
        }

        return output.ToArray();
    }

    /// <summary>A payload whose content depends on <paramref name="build"/>.</summary>
    public static byte[] Build(int build) =>
        Create(("system/etc/build", $"{build}\n"), ("system/usr/share/doc/README", string.Concat(Enumerable.Repeat("same text ", 500))));
}
