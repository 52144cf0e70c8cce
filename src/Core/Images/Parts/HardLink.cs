using System.Runtime.InteropServices;

namespace SystemImage.Core.Images.Parts;

/// <summary>link(2), which .NET does not expose: a second name for a file on the same filesystem, without copying it.</summary>
internal static partial class HardLink
{
    /// <summary>Creates <paramref name="link"/> as another name of <paramref name="existing"/>; false when the OS refuses (other filesystem, not supported...).</summary>
    public static bool TryCreate(string existing, string link) => OperatingSystem.IsLinux() && Link(existing, link) == 0;

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string link);
}
