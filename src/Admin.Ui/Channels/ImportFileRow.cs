using SystemImage.Core.Generators;

namespace SystemImage.Admin.Ui.Channels;

/// <summary>One file of the importer form, written as the classic INI does: arguments separated by <c>;</c>, options as <c>key=value,key=value</c>.</summary>
public sealed class ImportFileRow
{
    /// <summary>A stable id for the row's inputs and labels while rows move.</summary>
    public string Id { get; } = "file-" + Guid.NewGuid().ToString("N")[..8];

    public string? Name { get; set; }

    /// <summary>The device this entry overrides the generic entry of the same name for; empty for every device.</summary>
    public string? Device { get; set; }

    public string Generator { get; set; } = "";

    /// <summary>The generator the entry had when the form was loaded (empty for a new row).</summary>
    public string LoadedGenerator { get; private init; } = "";

    public string? Arguments { get; set; }

    public string? Options { get; set; }

    public static ImportFileRow From(ImportFile file) => new()
    {
        Name = file.Name,
        Device = file.Device,
        Generator = file.Generator,
        LoadedGenerator = file.Generator,
        Arguments = string.Join(';', file.Arguments),
        Options = string.Join(',', file.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")),
    };

    public (ImportFile? File, string? Error) ToFile()
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in (Options ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return (null, $"File '{Name}': option '{option}' is not key=value.");
            }

            options[option[..equals].Trim()] = option[(equals + 1)..].Trim();
        }

        return (new ImportFile
        {
            Name = Name?.Trim() ?? "",
            Device = string.IsNullOrWhiteSpace(Device) ? null : Device.Trim(),
            Generator = Generator,
            Arguments = [.. (Arguments ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Options = options,
        }, null);
    }
}
