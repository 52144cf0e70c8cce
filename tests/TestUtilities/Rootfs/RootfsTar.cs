using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>Converts <see cref="RootfsTree"/> to and from GNU tar.</summary>
internal static class RootfsTar
{
    public static void Write(RootfsTree tree, Stream output, string namePrefix)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        if (namePrefix.Length > 0)
        {
            writer.WriteEntry(Header(RootfsEntry.Directory("."), "./"));
        }

        var files = new Dictionary<string, RootfsEntry>(StringComparer.Ordinal);
        foreach (var entry in tree.Entries)
        {
            var name = namePrefix + entry.Path + (entry.Type == TarEntryType.Directory ? "/" : "");
            if (entry.Type == TarEntryType.HardLink)
            {
                // A link shares its file's inode, so GNU tar records the file's metadata in the link's header.
                var file = files[entry.LinkTarget!];
                var header = Header(file with { Type = TarEntryType.HardLink, Content = [] }, name);
                header.LinkName = namePrefix + entry.LinkTarget;
                writer.WriteEntry(header);
                continue;
            }

            if (entry.Type == TarEntryType.RegularFile)
            {
                files[entry.Path] = entry;
            }

            writer.WriteEntry(Header(entry, name));
        }
    }

    public static RootfsTree Read(Stream input)
    {
        using var reader = new TarReader(input, leaveOpen: true);
        var entries = new List<RootfsEntry>();
        while (reader.GetNextEntry() is { } tar)
        {
            var path = Normalize(tar.Name);
            if (path.Length == 0)
            {
                continue;
            }

            var posix = tar as PosixTarEntry;
            using var content = new MemoryStream();
            tar.DataStream?.CopyTo(content);
            entries.Add(new RootfsEntry(path, tar.EntryType == TarEntryType.V7RegularFile ? TarEntryType.RegularFile : tar.EntryType)
            {
                Mode = tar.Mode,
                Uid = tar.Uid,
                Gid = tar.Gid,
                UserName = posix?.UserName ?? "",
                GroupName = posix?.GroupName ?? "",
                ModificationTime = tar.ModificationTime,
                Content = content.ToArray(),
                LinkTarget = tar.EntryType switch
                {
                    TarEntryType.HardLink => Normalize(tar.LinkName),
                    TarEntryType.SymbolicLink => tar.LinkName,
                    _ => null,
                },
                DeviceMajor = posix?.DeviceMajor ?? 0,
                DeviceMinor = posix?.DeviceMinor ?? 0,
            });
        }

        return new RootfsTree(entries);
    }

    public static string Normalize(string name) => string.Join('/', name.Split('/').Where(segment => segment is not ("" or ".")));

    // Access and change times are set as GNU tar's incremental mode writes them: a re-pack must not pass them on,
    // since Python's tarfile reads those header bytes as a name prefix.
    private static GnuTarEntry Header(RootfsEntry entry, string name)
    {
        var header = new GnuTarEntry(entry.Type, name)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            UserName = entry.UserName,
            GroupName = entry.GroupName,
            ModificationTime = entry.ModificationTime,
            AccessTime = entry.ModificationTime,
            ChangeTime = entry.ModificationTime,
        };
        if (entry.Type == TarEntryType.SymbolicLink)
        {
            header.LinkName = entry.LinkTarget!;
        }

        if (entry.Type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            header.DeviceMajor = entry.DeviceMajor;
            header.DeviceMinor = entry.DeviceMinor;
        }

        if (entry.Type == TarEntryType.RegularFile)
        {
            header.DataStream = new MemoryStream(entry.Content, writable: false);
        }

        return header;
    }
}
