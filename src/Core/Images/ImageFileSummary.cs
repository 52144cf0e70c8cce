namespace SystemImage.Core.Images;

/// <summary>A file of an image as listings show it.</summary>
public sealed record ImageFileSummary(int Order, string Part, string Path, string Checksum, long Size);
