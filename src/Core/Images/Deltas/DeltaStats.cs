namespace SystemImage.Core.Images.Deltas;

/// <summary>What <see cref="DeltaGenerator.Write"/> did, counted by path (a leading <c>./</c> does not make a new path).</summary>
/// <param name="Removed">Paths of the source that the target no longer has.</param>
/// <param name="Added">Paths of the target that the source did not have; all of them are in the delta.</param>
/// <param name="Modified">
/// Paths in both that the delta carries: those that differ, every hard link, and every unchanged file that an included
/// hard link points to.
/// </param>
/// <param name="Unchanged">Paths in both that the delta leaves out.</param>
/// <param name="ContentBytes">File data copied from the target into the delta, not counting the <c>removed</c> list.</param>
public sealed record DeltaStats(int Removed, int Added, int Modified, int Unchanged, long ContentBytes);
