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
}
