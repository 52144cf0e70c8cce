using System.Runtime.InteropServices;

namespace SystemImage.Core.Storage;

/// <summary>fsync of a directory, so that renames into it survive a crash (.NET cannot open directories as files).</summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(path, ReadOnly | DirectoryFlag(RuntimeInformation.ProcessArchitecture));
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{path}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Linux's <c>O_DIRECTORY</c> for a process of <paramref name="architecture"/>: the value differs between
    /// architectures, and the generic one (0200000) is <c>O_DIRECT</c> on ARM. 0 (no flag) where it is not known:
    /// <c>open(O_RDONLY)</c> opens a directory as well, only without refusing a path that is not one.
    /// </summary>
    /// <remarks>See: the kernel's include/uapi/asm-generic/fcntl.h and arch/{arm,arm64,powerpc}/include/uapi/asm/fcntl.h.</remarks>
    internal static int DirectoryFlag(Architecture architecture) => architecture switch
    {
        Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x10000, // 0200000
        Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 or Architecture.Ppc64le => 0x4000, // 040000
        _ => 0,
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
