namespace SystemImage.Core.Channels;

/// <summary>
/// A device of a channel with its latest full image. For a per-device redirect (<see cref="Redirect"/>), the latest
/// image is the one of that channel's device, which is what the device really gets.
/// </summary>
public sealed record DeviceOverview(string Name, string? Redirect, bool HasKeyring)
{
    /// <summary>Whether the keyring holds keys uploaded for this device rather than the server's device-signing key.</summary>
    public bool KeyringUploaded { get; init; }

    /// <summary>The latest full image's version, or null when the device has no image yet.</summary>
    public int? LatestVersion { get; init; }

    /// <summary>The latest full image's phased percentage (100 when unset), or null without an image.</summary>
    public int? PhasedPercentage { get; init; }

    public string? LatestDescription { get; init; }

    public DateTimeOffset? LatestPublishedAt { get; init; }

    /// <summary>How many full images the device has.</summary>
    public int FullImages { get; init; }
}
