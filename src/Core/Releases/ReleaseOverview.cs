namespace SystemImage.Core.Releases;

/// <summary>Where each build is across channels, per device (the releases page and <c>GET /api/v1/releases</c>).</summary>
public sealed record ReleaseOverview(IReadOnlyList<DeviceReleases> Devices);

/// <summary>The builds of one device name that are the latest full image of at least one channel, newest first.</summary>
public sealed record DeviceReleases(string Device, IReadOnlyList<Build> Builds);

/// <summary>
/// One build: the same pool files (version tarballs aside, since every channel has its own) wherever it was published,
/// with its version_detail without the per-channel <c>version=N</c>, and each channel that has it as a full image, in the
/// order it reached them.
/// </summary>
public sealed record Build(string Detail, IReadOnlyList<string> Files, IReadOnlyList<Placement> Channels);

/// <summary>
/// A build as a full image of one channel: its version there, whether it is that channel's latest, when it was published,
/// and what devices did with it (downloads: full and delta images to it; check-ins while it was the latest).
/// </summary>
public sealed record Placement(
    string Channel, int Version, bool Latest, DateTimeOffset PublishedAt, string Description, int PhasedPercentage, long Downloads, long CheckIns);
