using System.Formats.Tar;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>One entry <see cref="SystemAdditions"/> adds.</summary>
/// <param name="Name">The entry name without a trailing slash, e.g. <c>system/android</c>.</param>
/// <param name="LinkTarget">A symlink's target; null for a directory.</param>
internal sealed record SystemAddition(string Name, TarEntryType Type, UnixFileMode Mode, string? LinkTarget)
{
    private static readonly UnixFileMode DirectoryMode = (UnixFileMode)Convert.ToInt32("755", 8);
    private static readonly UnixFileMode LinkMode = (UnixFileMode)Convert.ToInt32("777", 8);

    public static SystemAddition Directory(string name) => new(name, TarEntryType.Directory, DirectoryMode, null);

    public static SystemAddition Symlink(string name, string target, UnixFileMode? mode = null) =>
        new(name, TarEntryType.SymbolicLink, mode ?? LinkMode, target);

    /// <summary>The tar entry, owned by root, with the given modification time.</summary>
    public GnuTarEntry ToEntry(DateTimeOffset modified)
    {
        var entry = new GnuTarEntry(Type, Type == TarEntryType.Directory ? Name + "/" : Name)
        {
            Mode = Mode,
            Uid = 0,
            Gid = 0,
            UserName = "root",
            GroupName = "root",
            ModificationTime = modified,
        };
        if (LinkTarget is not null)
        {
            entry.LinkName = LinkTarget;
        }

        return entry;
    }
}
