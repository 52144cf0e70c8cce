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

    public DateTimeOffset CreatedAt { get; set; }

    public List<Device> Devices { get; set; } = [];
}
