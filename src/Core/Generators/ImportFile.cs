namespace SystemImage.Core.Generators;

/// <summary>
/// One entry of an automatic channel's ordered file list (SPEC §5): the part <see cref="Name"/> made by
/// <see cref="Generator"/> from its arguments and options. An entry with a <see cref="Device"/> replaces the generic
/// entry of the same name for that device only (the INI form writes it <c>file_&lt;name&gt;,&lt;device&gt;</c>).
/// </summary>
public sealed record ImportFile
{
    public required string Name { get; init; }

    public string? Device { get; init; }

    public required string Generator { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>The entry as the classic INI writes it: <c>generator;arg;…;key=value,key=value</c>.</summary>
    public string ToIniValue()
    {
        var fields = new List<string> { Generator };
        fields.AddRange(Arguments);
        if (Options.Count > 0)
        {
            fields.Add(string.Join(',', Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")));
        }

        return string.Join(';', fields);
    }

    public override string ToString() => Device is null ? $"{Name}: {ToIniValue()}" : $"{Name},{Device}: {ToIniValue()}";
}
