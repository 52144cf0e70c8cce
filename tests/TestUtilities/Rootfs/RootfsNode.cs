using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>An inode of a <see cref="RootfsSnapshot"/>: hard-linked paths share one node.</summary>
public sealed class RootfsNode
{
    public required TarEntryType Type { get; init; }

    public UnixFileMode Mode { get; set; }

    public int Uid { get; set; }

    public int Gid { get; set; }

    public byte[] Content { get; init; } = [];

    public string? LinkTarget { get; init; }

    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    public RootfsNode Clone() => new()
    {
        Type = Type,
        Mode = Mode,
        Uid = Uid,
        Gid = Gid,
        Content = Content,
        LinkTarget = LinkTarget,
        DeviceMajor = DeviceMajor,
        DeviceMinor = DeviceMinor,
    };

    public override string ToString() =>
        $"{Type} {Convert.ToString((int)Mode, 8)} {Uid}:{Gid} {Content.Length}B link={LinkTarget} dev={DeviceMajor},{DeviceMinor}";
}
