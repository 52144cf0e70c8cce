using SystemImage.Core.Generators;

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

    /// <summary>Manual, or automatic: the importer builds images from <see cref="ImportFiles"/>.</summary>
    public ChannelType Type { get; set; }

    /// <summary>The version of an automatic channel's first image. Default 1.</summary>
    public int VersionBase { get; set; } = 1;

    /// <summary>An automatic channel's ordered file list, generic entries and per-device overrides.</summary>
    public List<ImportFile> ImportFiles { get; set; } = [];

    /// <summary>Cron expression of the recurring import, or null for imports on demand only.</summary>
    public string? ImportSchedule { get; set; }

    /// <summary>When true, neither the schedule nor "import now" runs an import of this channel.</summary>
    public bool ImportPaused { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Device> Devices { get; set; } = [];
}
