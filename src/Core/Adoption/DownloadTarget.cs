namespace SystemImage.Core.Adoption;

/// <summary>What one completed download of a tree file counts for: a kind of download of one device's version.</summary>
public sealed record DownloadTarget(string Channel, string Device, int Version, DownloadKind Kind);
