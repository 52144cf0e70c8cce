using SystemImage.Core.Adoption;

namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// Downloads of one kind of one device's version during one hour (UTC): full and delta images devices fetched,
/// and check-ins (index.json fetches). Rows are only ever added to (see <see cref="Adoption.DownloadStore"/>).
/// </summary>
public sealed class DownloadCount
{
    /// <summary>Start of the hour, in seconds since the Unix epoch (UTC), a multiple of 3600.</summary>
    public long HourStart { get; set; }

    public required string Channel { get; set; }

    public required string Device { get; set; }

    /// <summary>The image's version; for a check-in, the device's newest full version when it checked in (0 for none).</summary>
    public int Version { get; set; }

    public DownloadKind Kind { get; set; }

    public long Count { get; set; }
}
