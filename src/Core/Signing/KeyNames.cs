namespace SystemImage.Core.Signing;

/// <summary>The names of the keys in the signing hierarchy; each is also the type of its keyring tarball.</summary>
public static class KeyNames
{
    /// <summary>Root of trust, shipped on devices; signs its own keyring and the image-master keyring.</summary>
    public const string ArchiveMaster = "archive-master";

    /// <summary>Signs the image-signing and blacklist keyrings.</summary>
    public const string ImageMaster = "image-master";

    /// <summary>Signs channels.json, the indexes and the image files.</summary>
    public const string ImageSigning = "image-signing";

    /// <summary>Signs indexes and files of devices that carry their own keyring.</summary>
    public const string DeviceSigning = "device-signing";

    /// <summary>The key of the blacklist keyring (the list of revoked keys).</summary>
    public const string Blacklist = "blacklist";

    /// <summary>All key names, masters first.</summary>
    public static IReadOnlyList<string> All { get; } = [ArchiveMaster, ImageMaster, ImageSigning, DeviceSigning, Blacklist];

    /// <summary>True for the two master keys (archive-master and image-master).</summary>
    public static bool IsMaster(string name) => name is ArchiveMaster or ImageMaster;

    /// <summary>True when <paramref name="name"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
