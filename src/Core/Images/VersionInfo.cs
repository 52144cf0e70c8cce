namespace SystemImage.Core.Images;

/// <summary>What a version tarball says: which channel and device, which build, and where devices find the server.</summary>
public sealed record VersionInfo(
    string Channel,
    string Device,
    int Version,
    string VersionDetail,
    string? ChannelTarget,
    string PublicHost,
    string HttpPort,
    string HttpsPort);
