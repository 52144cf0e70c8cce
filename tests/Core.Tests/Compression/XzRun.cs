namespace SystemImage.Core.Tests.Compression;

/// <summary>What one run of the xz command produced.</summary>
internal sealed record XzRun(int ExitCode, byte[] Output, string Error);
