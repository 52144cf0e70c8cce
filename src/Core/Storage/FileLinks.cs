using System.Runtime.InteropServices;

namespace SystemImage.Core.Storage;

/// <summary>
/// What .NET does not expose for files on one filesystem: link(2), a second name for a file, and FICLONE, a
/// copy-on-write copy (a reflink) on filesystems that offer one (btrfs, XFS, bcachefs…).
/// </summary>
internal static partial class FileLinks
{
    // _IOW(0x94, 9, int) from linux/fs.h; the same on x86-64 and arm64.
    private const uint Ficlone = 0x40049409;

    /// <summary>Creates <paramref name="link"/> as another name of <paramref name="existing"/>; false when the OS refuses (other filesystem...).</summary>
    public static bool TryHardLink(string existing, string link) => OperatingSystem.IsLinux() && Link(existing, link) == 0;

    /// <summary>
    /// Creates <paramref name="copy"/> as a reflink of <paramref name="source"/>: a copy of its own that shares blocks
    /// until either is written. False (and no <paramref name="copy"/> left) when the filesystem cannot.
    /// </summary>
    public static bool TryReflink(string source, string copy)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var cloned = false;
        using (var from = File.OpenHandle(source, FileMode.Open, FileAccess.Read))
        using (var to = File.OpenHandle(copy, FileMode.CreateNew, FileAccess.Write))
        {
            cloned = Ioctl((int)to.DangerousGetHandle(), Ficlone, (int)from.DangerousGetHandle()) == 0;
        }

        if (!cloned)
        {
            File.Delete(copy);
        }

        return cloned;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string link);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, int argument);
}
