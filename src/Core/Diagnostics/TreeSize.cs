namespace SystemImage.Core.Diagnostics;

/// <summary>The size of the publish root at one moment.</summary>
/// <param name="Bytes">Sum of the lengths of every file under the root.</param>
/// <param name="Files">Number of files under the root (directories are not counted).</param>
public readonly record struct TreeSize(long Bytes, long Files);
