namespace SystemImage.Core.Images.Deltas;

/// <summary>One entry of the target tarball, in archive order, as the first read of the target saw it.</summary>
/// <param name="Path">The normalised path (see <see cref="TarPath.Normalize"/>).</param>
internal sealed record TargetEntry(string Path, EntryFingerprint Fingerprint);
