namespace SystemImage.Core.Generators;

/// <summary>A full image of a remote index.json.</summary>
internal sealed record RemoteImage(int Version, string? VersionDetail, IReadOnlyList<RemoteFile> Files);
