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

    public DateTimeOffset CreatedAt { get; set; }

    public List<Image> Images { get; set; } = [];
}
