using SystemImage.Core.Signing;

namespace SystemImage.Core.Publishing;

/// <summary>Where things live in the published tree (all paths absolute from the publish root).</summary>
public static class TreeLayout
{
    public const string ChannelsJson = "/channels.json";

    public const string GpgDirectory = "/gpg";

    public const string PoolDirectory = "/pool";

    public static string Signature(string path) => path + ".asc";

    public static string DeviceDirectory(string channel, string device) => $"/{channel}/{device}";

    public static string Index(string channel, string device) => $"/{channel}/{device}/index.json";

    public static string DeviceKeyring(string channel, string device) => $"/{channel}/{device}/device.tar.xz";

    public static string VersionTarball(string channel, string device, int version) => $"/{channel}/{device}/version-{version}.tar.xz";

    public static string Keyring(string name) => $"{GpgDirectory}/{name}.tar.xz";

    /// <summary>
    /// The key whose signature (<c>path.asc</c>) a device checks for the tree file <paramref name="path"/>: a <c>gpg/</c>
    /// keyring's signer per <see cref="KeyHierarchy"/>; image-signing for everything else (channels.json, indexes, device
    /// keyrings, pool files, version tarballs and their sidecars).
    /// </summary>
    public static string SignerOf(string path)
    {
        var prefix = GpgDirectory + "/";
        if (path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith(".tar.xz", StringComparison.Ordinal))
        {
            var name = path[prefix.Length..^".tar.xz".Length];
            if (name is KeyNames.ArchiveMaster or KeyNames.ImageMaster or KeyNames.ImageSigning or KeyNames.Blacklist)
            {
                return KeyHierarchy.SignerOf(name);
            }
        }

        return path.EndsWith("/device.tar.xz", StringComparison.Ordinal) ? KeyHierarchy.SignerOf(KeyNames.DeviceSigning) : KeyNames.ImageSigning;
    }
}
