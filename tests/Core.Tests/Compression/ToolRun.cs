namespace SystemImage.Core.Tests.Compression;

/// <summary>What one run of a command-line compressor (xz, zstd, bzip2) produced.</summary>
internal sealed record ToolRun(int ExitCode, byte[] Output, string Error);
