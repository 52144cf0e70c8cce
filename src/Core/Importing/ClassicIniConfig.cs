using System.Globalization;
using System.Text.RegularExpressions;
using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Importing;

/// <summary>
/// Reads the classic importer configuration (<c>etc/config</c>): a <c>[global]</c> section listing <c>channels</c>
/// and one <c>[channel_&lt;name&gt;]</c> section per configured channel with <c>type</c>, <c>versionbase</c>,
/// <c>fullcount</c>, <c>deltabase</c>, <c>files</c> and <c>file_&lt;name&gt;[,&lt;device&gt;] =
/// generator;arg;…;key=value,key=value</c>. Two keys of our own are accepted too: <c>schedule</c> (cron) and
/// <c>paused</c>. A listed channel without a section is a manual channel.
/// </summary>
public static partial class ClassicIniConfig
{
    private static readonly string[] ChannelKeys = ["type", "versionbase", "fullcount", "deltabase", "files", "schedule", "paused"];

    /// <summary>The channels in <c>[global] channels</c> order with their configurations.</summary>
    /// <exception cref="FormatException">The text is not a valid configuration; the message names the line or key.</exception>
    public static IReadOnlyList<(string Channel, ImporterConfig Config)> Parse(string text)
    {
        var sections = ReadSections(text);
        if (!sections.TryGetValue("global", out var global) || !global.TryGetValue("channels", out var channelList))
        {
            throw new FormatException("the [global] section with a 'channels' list is missing");
        }

        var channels = SplitList(channelList.Value);
        if (channels.Count == 0)
        {
            throw new FormatException($"line {channelList.Line}: 'channels' lists no channel");
        }

        foreach (var section in sections.Keys.Where(s => s != "global"))
        {
            if (!section.StartsWith("channel_", StringComparison.Ordinal))
            {
                throw new FormatException($"unknown section [{section}] (expected [global] and [channel_<name>])");
            }

            if (!channels.Contains(section["channel_".Length..]))
            {
                throw new FormatException($"section [{section}] is for a channel that [global] channels does not list");
            }
        }

        return channels.Select(channel => (channel, sections.TryGetValue($"channel_{channel}", out var keys) ? ReadChannel(channel, keys) : new ImporterConfig())).ToList();
    }

    /// <summary>The keys of the <c>[global]</c> section (lower-case names), e.g. <c>publish_path</c> and <c>gpg_key_path</c>.</summary>
    /// <exception cref="FormatException">The text is not INI; the message names the line.</exception>
    public static IReadOnlyDictionary<string, string> ReadGlobal(string text) =>
        ReadSections(text).TryGetValue("global", out var global)
            ? global.ToDictionary(pair => pair.Key, pair => pair.Value.Value, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static ImporterConfig ReadChannel(string channel, Dictionary<string, (string Value, int Line)> keys)
    {
        foreach (var (key, (_, line)) in keys)
        {
            if (!ChannelKeys.Contains(key) && !key.StartsWith("file_", StringComparison.Ordinal))
            {
                throw new FormatException($"line {line}: unknown key '{key}' in [channel_{channel}] (known: {string.Join(", ", ChannelKeys)}, file_<name>)");
            }
        }

        var type = keys.TryGetValue("type", out var typeValue)
            ? typeValue.Value.ToLowerInvariant() switch
            {
                "auto" => ChannelType.Auto,
                "manual" => ChannelType.Manual,
                _ => throw new FormatException($"line {typeValue.Line}: type '{typeValue.Value}' is neither 'auto' nor 'manual'"),
            }
            : ChannelType.Manual;
        return new ImporterConfig
        {
            Type = type,
            VersionBase = Integer(keys, "versionbase", 1),
            FullCount = Integer(keys, "fullcount", 0),
            DeltaBases = keys.TryGetValue("deltabase", out var deltaBase) ? SplitList(deltaBase.Value) : [],
            Files = ReadFiles(channel, keys),
            Schedule = keys.TryGetValue("schedule", out var schedule) && schedule.Value.Length > 0 ? schedule.Value : null,
            Paused = keys.TryGetValue("paused", out var paused) && Boolean(paused),
        };
    }

    private static List<ImportFile> ReadFiles(string channel, Dictionary<string, (string Value, int Line)> keys)
    {
        if (!keys.TryGetValue("files", out var list))
        {
            return keys.Keys.FirstOrDefault(k => k.StartsWith("file_", StringComparison.Ordinal)) is { } stray
                ? throw new FormatException($"line {keys[stray].Line}: [channel_{channel}] has '{stray}' but no 'files' list")
                : [];
        }

        // "ubuntu, device,krillin, device, version": a token followed by a device whose file_<name>,<device> key
        // exists is that device's override; everything else is a generic entry.
        var tokens = list.Value.Split(',').Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        var files = new List<ImportFile>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var name = tokens[i];
            string? device = null;
            if (i + 1 < tokens.Count && keys.ContainsKey($"file_{name},{tokens[i + 1]}"))
            {
                device = tokens[++i];
            }

            var key = device is null ? $"file_{name}" : $"file_{name},{device}";
            if (!keys.TryGetValue(key, out var spec))
            {
                throw new FormatException($"line {list.Line}: 'files' names '{name}' but there is no '{key}' key");
            }

            used.Add(key);
            files.Add(ReadFile(name, device, spec.Value, spec.Line));
        }

        if (keys.Keys.FirstOrDefault(k => k.StartsWith("file_", StringComparison.Ordinal) && !used.Contains(k)) is { } unused)
        {
            throw new FormatException($"line {keys[unused].Line}: '{unused}' is not in the 'files' list of [channel_{channel}]");
        }

        return files;
    }

    private static ImportFile ReadFile(string name, string? device, string value, int line)
    {
        var fields = value.Split(';').Select(f => f.Trim()).ToList();
        if (fields[0].Length == 0)
        {
            throw new FormatException($"line {line}: file '{name}' names no generator");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fields.Count > 1 && IsOptionList(fields[^1]))
        {
            foreach (var option in fields[^1].Split(','))
            {
                var (key, optionValue) = (option[..option.IndexOf('=')].Trim(), option[(option.IndexOf('=') + 1)..].Trim());
                if (!options.TryAdd(key, optionValue))
                {
                    throw new FormatException($"line {line}: file '{name}' gives option '{key}' twice");
                }
            }

            fields.RemoveAt(fields.Count - 1);
        }

        return new ImportFile { Name = name, Device = device, Generator = fields[0], Arguments = fields.Skip(1).ToList(), Options = options };
    }

    /// <summary>The last field holds options when every comma-separated item is <c>identifier=value</c> (a URL is not).</summary>
    private static bool IsOptionList(string field) => field.Split(',').All(item => OptionItem().IsMatch(item.Trim()));

    private static Dictionary<string, Dictionary<string, (string Value, int Line)>> ReadSections(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, (string, int)>>(StringComparer.Ordinal);
        Dictionary<string, (string, int)>? current = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var number = i + 1;
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                if (!line.EndsWith(']') || line.Length < 3)
                {
                    throw new FormatException($"line {number}: '{line}' is not a [section] header");
                }

                var name = line[1..^1].Trim();
                if (!sections.TryAdd(name, current = new Dictionary<string, (string, int)>(StringComparer.Ordinal)))
                {
                    throw new FormatException($"line {number}: section [{name}] appears twice");
                }

                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (current is null || separator <= 0)
            {
                throw new FormatException(current is null
                    ? $"line {number}: a key outside any section"
                    : $"line {number}: '{line}' is not 'key = value'");
            }

            var key = line[..separator].Trim().ToLowerInvariant();
            if (!current.TryAdd(key, (line[(separator + 1)..].Trim(), number)))
            {
                throw new FormatException($"line {number}: key '{key}' appears twice in its section");
            }
        }

        return sections;
    }

    private static List<string> SplitList(string value) => [.. value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0)];

    private static int Integer(Dictionary<string, (string Value, int Line)> keys, string key, int fallback)
    {
        if (!keys.TryGetValue(key, out var entry))
        {
            return fallback;
        }

        return int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"line {entry.Line}: {key} '{entry.Value}' is not a whole number");
    }

    private static bool Boolean((string Value, int Line) entry) => entry.Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "1" or "on" => true,
        "false" or "no" or "0" or "off" => false,
        _ => throw new FormatException($"line {entry.Line}: '{entry.Value}' is not true or false"),
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*=")]
    private static partial Regex OptionItem();
}
