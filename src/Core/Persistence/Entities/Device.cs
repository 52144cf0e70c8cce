namespace SystemImage.Core.Persistence.Entities;

/// <summary>A device of a channel: its own index.json, or a per-device redirect to another channel.</summary>
public sealed class Device
{
    public int Id { get; set; }

    public int ChannelId { get; set; }

    public Channel Channel { get; set; } = null!;

    public required string Name { get; set; }

    /// <summary>Per-device redirect: the channel whose index this device really uses, or null.</summary>
    public string? RedirectTarget { get; set; }

    /// <summary>Whether a device-signing keyring (<c>device.tar.xz</c>) is published for this device.</summary>
    public bool HasKeyring { get; set; }

    /// <summary>
    /// Public keys uploaded for this device (binary OpenPGP, see <see cref="Signing.UploadedKeyring"/>); null when
    /// <c>device.tar.xz</c> holds the server's own device-signing key.
    /// </summary>
    public byte[]? UploadedKeyring { get; set; }

    /// <summary>The uploaded keyring's expiry, written to its <c>keyring.json</c>.</summary>
    public DateTimeOffset? UploadedKeyringExpiry { get; set; }

    /// <summary>When the keyring was uploaded: the time stamp of its tarball's members, so republishing gives the same bytes.</summary>
    public DateTimeOffset? UploadedKeyringAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Image> Images { get; set; } = [];
}
