namespace SystemImage.Core.Generators;

/// <summary>A file <see cref="HttpFetcher"/> downloaded: its size and the lowercase hex SHA-256 of its bytes.</summary>
public sealed record DownloadedFile(string Path, long Size, string Sha256);
