using System.Formats.Tar;

namespace SystemImage.Core.Images;

/// <summary>Copies a tar entry's metadata into a new GNU entry, the format the tarballs we write use.</summary>
internal static class TarEntryCopy
{
    /// <summary>
    /// A GNU entry named <paramref name="name"/> of type <paramref name="type"/> with <paramref name="entry"/>'s mode,
    /// owner ids and names, modification time and (for device nodes) device numbers; no link name and no data.
    /// Access and change times are never copied: Python's tarfile (which devices unpack with) reads those GNU header
    /// bytes as the ustar name prefix and would see every name under a bogus directory.
    /// </summary>
    public static GnuTarEntry Metadata(TarEntry entry, TarEntryType type, string name)
    {
        var copy = new GnuTarEntry(type, name)
        {
            Mode = entry.Mode,
            Uid = entry.Uid,
            Gid = entry.Gid,
            ModificationTime = entry.ModificationTime,
        };
        if (entry is PosixTarEntry posix)
        {
            copy.UserName = posix.UserName;
            copy.GroupName = posix.GroupName;
            if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
            {
                copy.DeviceMajor = posix.DeviceMajor;
                copy.DeviceMinor = posix.DeviceMinor;
            }
        }

        return copy;
    }
}
