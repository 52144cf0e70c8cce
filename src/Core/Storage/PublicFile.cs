namespace SystemImage.Core.Storage;

/// <summary>
/// Files of the publish root are the server's own and readable by everyone (a web server, a mirror's rsync): mode
/// 0644 whatever the process umask, the mode of an uploaded file or of an operator's build.
/// </summary>
internal static class PublicFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void MakeReadable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, Mode);
        }
    }
}
