namespace SystemImage.Core.Images;

/// <summary>One device's part of reverting a channel.</summary>
/// <param name="BadVersion">The device's latest full version, which the revert marks as reverted.</param>
/// <param name="GoodVersion">The earlier build published again, or null when the device is left as it is.</param>
/// <param name="NewVersion">The version the good build gets.</param>
public sealed record DeviceRevert(string Device, int? BadVersion, int? GoodVersion, int? NewVersion, string Outcome);
