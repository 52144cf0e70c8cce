using System.Formats.Tar;
using SystemImage.TestUtilities.Rootfs;
using static SystemImage.TestUtilities.Rootfs.RootfsEntry;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>A small hand-made root file system with one of everything but hard links, for the named delta cases.</summary>
internal static class SampleTrees
{
    public static readonly DateTimeOffset Later = DefaultTime.AddDays(30);

    public static RootfsTree Base() => new(
    [
        Directory("etc"),
        File("etc/hostname", "phone\n"),
        File("etc/shadow", "root:*:17000::::::\n", "640").OwnedBy(0, 42, "root", "shadow"),
        Directory("usr"),
        Directory("usr/bin"),
        File("usr/bin/tool", "#!/bin/sh\necho tool\n", "755"),
        File("usr/bin/other", "#!/bin/sh\necho other\n", "4755"),
        Directory("usr/lib"),
        File("usr/lib/libx.so.1", Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray()),
        Symlink("usr/lib/libx.so", "libx.so.1"),
        Symlink("usr/lib/python", "/usr/lib/python3"),
        Directory("usr/share"),
        Directory("usr/share/doc"),
        File("usr/share/doc/README", "read me\n"),
        Directory("usr/share/doc/pkg"),
        File("usr/share/doc/pkg/changelog", "1.0 first\n"),
        Directory("usr/share/doc/pkg/examples"),
        File("usr/share/doc/pkg/examples/one.txt", "one\n"),
        Directory("dev"),
        Device("dev/null", TarEntryType.CharacterDevice, 1, 3),
        Device("dev/loop0", TarEntryType.BlockDevice, 7, 0),
        Fifo("dev/initctl"),
        Directory("home"),
        Directory("home/phablet", "700").OwnedBy(1000, 1000, "phablet", "phablet"),
        File("home/phablet/notes", "", "600").OwnedBy(1000, 1000, "phablet", "phablet"),
        Directory("tmp", "1777"),
    ]);

    /// <summary>The tree as a tar that leaves out the entries of <paramref name="directories"/>, but not what is below them.</summary>
    public static byte[] TarWithout(RootfsTree tree, params string[] directories)
    {
        using var result = new MemoryStream();
        using (var writer = new TarWriter(result, TarEntryFormat.Gnu, leaveOpen: true))
        {
            using var reader = new TarReader(new MemoryStream(tree.ToTar()));
            while (reader.GetNextEntry() is { } entry)
            {
                if (!directories.Contains(entry.Name.TrimEnd('/')))
                {
                    writer.WriteEntry(entry);
                }
            }
        }

        return result.ToArray();
    }

    /// <summary><see cref="Base"/> and a hard link to <c>usr/bin/tool</c>: a delta always carries both.</summary>
    public static RootfsTree Linked() => Base().With(HardLink("usr/bin/tool-alias", "usr/bin/tool"));
}
