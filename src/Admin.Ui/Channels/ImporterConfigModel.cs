using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Channels;

/// <summary>The importer configuration form: text fields as typed, turned into an <see cref="ImporterConfig"/> for Core to validate.</summary>
internal sealed class ImporterConfigModel
{
    public ChannelType Type { get; set; }

    public int VersionBase { get; set; } = 1;

    public int FullCount { get; set; }

    /// <summary>Channel names separated by commas; empty means the channel itself.</summary>
    public string? DeltaBases { get; set; }

    public string? Schedule { get; set; }

    public List<ImportFileRow> Files { get; set; } = [];

    public static ImporterConfigModel From(ImporterConfig config) => new()
    {
        Type = config.Type,
        VersionBase = config.VersionBase,
        FullCount = config.FullCount,
        DeltaBases = string.Join(", ", config.DeltaBases),
        Schedule = config.Schedule,
        Files = [.. config.Files.Select(ImportFileRow.From)],
    };

    /// <summary>The configuration to save (keeping <paramref name="paused"/>, which has its own buttons), or why the form cannot give one.</summary>
    public (ImporterConfig? Config, string? Error) ToConfig(bool paused)
    {
        var files = new List<Core.Generators.ImportFile>();
        foreach (var row in Files)
        {
            var (file, error) = row.ToFile();
            if (file is null)
            {
                return (null, error);
            }

            files.Add(file);
        }

        return (new ImporterConfig
        {
            Type = Type,
            VersionBase = VersionBase,
            FullCount = FullCount,
            DeltaBases = [.. (DeltaBases ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Files = files,
            Schedule = string.IsNullOrWhiteSpace(Schedule) ? null : Schedule.Trim(),
            Paused = paused,
        }, null);
    }
}
