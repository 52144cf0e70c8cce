using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using SystemImage.Core.Compression;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Images;

/// <summary>
/// Builds <c>version-N.tar.xz</c> (SPEC §2): <c>system/etc/ubuntu-build</c>, <c>system/etc/system-image/channel.ini</c>
/// and the <c>config.d</c> symlinks, plus its <c>.json</c> sidecar. Output is reproducible: no wall-clock time inside.
/// </summary>
public static class VersionTarball
{
    private static readonly DateTimeOffset FixedTime = DateTimeOffset.UnixEpoch;

    public static byte[] Build(VersionInfo info)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true))
        {
            Directory(writer, "system/");
            Directory(writer, "system/etc/");
            File(writer, "system/etc/ubuntu-build", $"{info.Version}\n");
            Directory(writer, "system/etc/system-image/");
            File(writer, "system/etc/system-image/channel.ini", ChannelIni(info));
            Directory(writer, "system/etc/system-image/config.d/", Mode("775"));
            Symlink(writer, "system/etc/system-image/config.d/00_default.ini", "../client.ini");
            Symlink(writer, "system/etc/system-image/config.d/01_channel.ini", "../channel.ini");
        }

        tar.Position = 0;
        using var compressed = new MemoryStream();
        using (var xz = new XzEncoderStream(compressed, SmallFileXz.Settings, leaveOpen: true))
        {
            tar.CopyTo(xz);
        }

        return compressed.ToArray();
    }

    /// <summary>The <c>[service]</c> section devices read; a disabled port is written <c>disabled</c>, never 0.</summary>
    public static string ChannelIni(VersionInfo info)
    {
        var ini = new StringBuilder()
            .Append("[service]\n")
            .Append("base: ").Append(info.PublicHost).Append('\n')
            .Append("http_port: ").Append(Port(info.HttpPort)).Append('\n')
            .Append("https_port: ").Append(Port(info.HttpsPort)).Append('\n')
            .Append("channel: ").Append(info.Channel).Append('\n')
            .Append("device: ").Append(info.Device).Append('\n')
            .Append("build_number: ").Append(info.Version).Append('\n');
        if (info.ChannelTarget is not null)
        {
            ini.Append("channel_target: ").Append(info.ChannelTarget).Append('\n');
        }

        if (info.VersionDetail.Length > 0)
        {
            ini.Append("version_detail: ").Append(info.VersionDetail).Append('\n');
        }

        return ini.ToString();
    }

    public static byte[] Sidecar(VersionInfo info) => CanonicalJson.Serialize(new JsonObject
    {
        ["generator"] = "version",
        ["version"] = info.Version,
        ["channel.ini"] = new JsonObject
        {
            ["channel"] = info.Channel,
            ["device"] = info.Device,
            ["version"] = info.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["version_detail"] = info.VersionDetail,
        },
    });

    private static string Port(string port) => port is "0" or "" ? "disabled" : port;

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    private static void Directory(TarWriter writer, string name, UnixFileMode? mode = null) =>
        writer.WriteEntry(Owned(new GnuTarEntry(TarEntryType.Directory, name), mode ?? Mode("755")));

    private static void File(TarWriter writer, string name, string content)
    {
        var entry = Owned(new GnuTarEntry(TarEntryType.RegularFile, name), Mode("644"));
        entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        writer.WriteEntry(entry);
    }

    private static void Symlink(TarWriter writer, string name, string target)
    {
        var entry = Owned(new GnuTarEntry(TarEntryType.SymbolicLink, name), Mode("777"));
        entry.LinkName = target;
        writer.WriteEntry(entry);
    }

    private static GnuTarEntry Owned(GnuTarEntry entry, UnixFileMode mode)
    {
        entry.Mode = mode;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "root";
        entry.GroupName = "root";
        entry.ModificationTime = FixedTime;
        return entry;
    }
}
