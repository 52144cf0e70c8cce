using System.Formats.Tar;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// The entries the <c>cdimage-ubuntu</c> re-pack adds after the rootfs, all owned by root (SPEC §5): for products
/// <c>touch</c> and <c>pd</c> the Android mount point and links into it; for every product the user-data directory
/// (<c>writable</c> for <c>core</c>, <c>userdata</c> otherwise), <c>etc/mtab</c> and <c>lib/modules</c>.
/// </summary>
internal static class SystemAdditions
{
    public const string Prefix = "system/";

    private static readonly string[] AndroidLinks = ["cache", "data", "factory", "firmware", "persist", "system", "odm"];

    /// <summary>The added entries for <paramref name="product"/>, in archive order; names without a trailing slash.</summary>
    public static IReadOnlyList<SystemAddition> For(string product)
    {
        var added = new List<SystemAddition>();
        if (product is "touch" or "pd")
        {
            added.Add(SystemAddition.Directory("system/android"));
            added.AddRange(AndroidLinks.Select(name => SystemAddition.Symlink($"system/{name}", $"/android/{name}")));
            added.Add(SystemAddition.Symlink("system/vendor", "/android/system/vendor"));
        }

        added.Add(SystemAddition.Directory(product == "core" ? "system/writable" : "system/userdata"));
        added.Add(SystemAddition.Symlink("system/etc/mtab", "/proc/mounts", (UnixFileMode)Convert.ToInt32("444", 8)));
        added.Add(SystemAddition.Directory("system/lib/modules"));
        return added;
    }
}
