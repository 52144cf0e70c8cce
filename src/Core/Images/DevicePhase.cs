namespace SystemImage.Core.Images;

/// <summary>One device's part of phasing a channel.</summary>
/// <param name="Version">The device's latest version, or null when it has none (or is skipped).</param>
/// <param name="CurrentPercentage">Its phased percentage now (100 when unphased).</param>
/// <param name="NewPercentage">Its phased percentage after the change.</param>
public sealed record DevicePhase(string Device, int? Version, int? CurrentPercentage, int? NewPercentage, string Outcome);
