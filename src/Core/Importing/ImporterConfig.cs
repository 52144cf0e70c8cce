using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>A channel's importer configuration (SPEC §5), as it is read, validated and saved.</summary>
public sealed record ImporterConfig
{
    public ChannelType Type { get; init; }

    /// <summary>The first image's version. Default 1.</summary>
    public int VersionBase { get; init; } = 1;

    /// <summary>Full images kept per device; 0 keeps all.</summary>
    public int FullCount { get; init; }

    /// <summary>Channels whose latest full image gets a delta to each new image; empty means the channel itself.</summary>
    public IReadOnlyList<string> DeltaBases { get; init; } = [];

    /// <summary>The ordered file list: generic entries and per-device overrides.</summary>
    public IReadOnlyList<ImportFile> Files { get; init; } = [];

    /// <summary>Cron expression (5 fields, or 6 with seconds) of the recurring import; null for on demand only.</summary>
    public string? Schedule { get; init; }

    public bool Paused { get; init; }

    public static ImporterConfig Of(Channel channel) => new()
    {
        Type = channel.Type,
        VersionBase = channel.VersionBase,
        FullCount = channel.FullCount,
        DeltaBases = [.. channel.DeltaBases],
        Files = [.. channel.ImportFiles],
        Schedule = channel.ImportSchedule,
        Paused = channel.ImportPaused,
    };

    /// <summary>The entries one device's image is made of, in order: each generic entry, or that device's override of it.</summary>
    public static IReadOnlyList<ImportFile> FilesFor(IReadOnlyList<ImportFile> files, string device)
    {
        var result = new List<ImportFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if ((file.Device is null || file.Device == device) && seen.Add(file.Name))
            {
                result.Add(files.FirstOrDefault(f => f.Name == file.Name && f.Device == device) ?? file);
            }
        }

        return result;
    }
}
