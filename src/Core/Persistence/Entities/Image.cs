namespace SystemImage.Core.Persistence.Entities;

/// <summary>One entry of a device's index.json: a full image or a delta from <see cref="Base"/>.</summary>
public sealed class Image
{
    public int Id { get; set; }

    public int DeviceId { get; set; }

    public Device Device { get; set; } = null!;

    public ImageType Type { get; set; }

    public int Version { get; set; }

    /// <summary>For a delta, the version it upgrades from.</summary>
    public int? Base { get; set; }

    public string Description { get; set; } = "";

    /// <summary>Translated descriptions keyed by language (rendered as <c>description_&lt;lang&gt;</c>).</summary>
    public Dictionary<string, string> Translations { get; set; } = [];

    public string VersionDetail { get; set; } = "";

    public bool Bootme { get; set; }

    public int? MinVersion { get; set; }

    /// <summary>0–99, or null for 100 (the field is then absent from index.json).</summary>
    public int? PhasedPercentage { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When this version was reverted (a good build published again over it), or null.</summary>
    public DateTimeOffset? RevertedAt { get; set; }

    public List<ImageFile> Files { get; set; } = [];
}
