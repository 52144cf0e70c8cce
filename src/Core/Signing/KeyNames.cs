namespace SystemImage.Core.Signing;

/// <summary>
/// The names of the keys in the signing hierarchy (each also the type of its keyring tarball), and of the blacklist
/// keyring, which holds no key of the server.
/// </summary>
public static class KeyNames
{
    /// <summary>Root of trust, shipped on devices; signs its own keyring and the image-master keyring.</summary>
    public const string ArchiveMaster = "archive-master";

    /// <summary>Signs the image-signing keyring and the blacklist.</summary>
    public const string ImageMaster = "image-master";

    /// <summary>Signs channels.json, the indexes and the image files.</summary>
    public const string ImageSigning = "image-signing";

    /// <summary>Signs indexes and files of devices that carry their own keyring.</summary>
    public const string DeviceSigning = "device-signing";

    /// <summary>
    /// The blacklist keyring (<c>gpg/blacklist.tar.xz</c>, signed by image-master): the revoked keys, whose signatures
    /// devices refuse. It is a keyring type, not a key: the store has no blacklist key (SPEC §2).
    /// </summary>
    public const string Blacklist = "blacklist";

    /// <summary>The keys of the store, masters first.</summary>
    public static IReadOnlyList<string> All { get; } = [ArchiveMaster, ImageMaster, ImageSigning, DeviceSigning];

    /// <summary>True for the two master keys (archive-master and image-master).</summary>
    public static bool IsMaster(string name) => name is ArchiveMaster or ImageMaster;

    /// <summary>True when <paramref name="name"/> is one of <see cref="All"/>.</summary>
    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
