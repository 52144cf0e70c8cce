namespace SystemImage.Core.Images;

/// <summary>What a copy would publish (see <see cref="ImageCopyService.PreviewAsync"/>).</summary>
/// <param name="SourceVersion">The source's full image that would be copied.</param>
/// <param name="NewVersion">The version the copy would get in the destination.</param>
/// <param name="VersionDetail">The copy's version_detail.</param>
/// <param name="DeltaBases">The destination versions the copy would get a delta from, in the order of the channel's delta bases.</param>
/// <param name="PhasedPercentage">The share of devices the copy is offered to: the one requested, or 100 (every device) when none is.</param>
public sealed record CopyPreview(int SourceVersion, int NewVersion, string VersionDetail, IReadOnlyList<int> DeltaBases, int PhasedPercentage);
