namespace SystemImage.Core.Persistence.Entities;

/// <summary>A channel of the published tree. A channel is plain, an alias (mirrors another channel) or a redirect.</summary>
public sealed class Channel
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Hidden { get; set; }

    /// <summary>Name of the channel this alias mirrors, or null.</summary>
    public string? AliasTarget { get; set; }

    /// <summary>Name of the channel devices are redirected to, or null.</summary>
    public string? RedirectTarget { get; set; }

    /// <summary>Full images kept per device; older ones (and deltas touching them) expire. 0 keeps all.</summary>
    public int FullCount { get; set; }

    /// <summary>Channels whose latest full image of a device gets a delta to each new image here; empty means this channel.</summary>
    public List<string> DeltaBases { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public List<Device> Devices { get; set; } = [];
}
