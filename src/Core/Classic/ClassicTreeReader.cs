using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Classic;

/// <summary>A channel of a classic tree's channels.json, with its devices' images read from their index.json.</summary>
public sealed record ClassicChannel(string Name, bool Hidden, string? Alias, string? Redirect, IReadOnlyList<ClassicDevice> Devices);

/// <summary>A device of a classic channel: a per-device redirect, or its own index (and perhaps a device keyring).</summary>
public sealed record ClassicDevice(string Name, string? Redirect, bool HasKeyring, IReadOnlyList<Image> Images);

/// <summary>
/// Reads a classic published tree (channels.json and every index.json) into this server's model, and says what it
/// cannot keep exactly: a device sees the same channels.json and index.json fields after adoption, so a field this
/// server does not model, an index at a path it does not publish, or a file name it does not manage is a problem, not
/// something to drop.
/// </summary>
public static partial class ClassicTreeReader
{
    private static readonly HashSet<string> ImageFields = ["type", "version", "description", "version_detail", "files", "base", "bootme", "minversion", "phased-percentage"];
    private static readonly HashSet<string> FileFields = ["order", "path", "signature", "checksum", "size"];

    /// <summary>The channels of the tree under <paramref name="www"/>, and every problem found (none means all of it can be kept).</summary>
    public static (IReadOnlyList<ClassicChannel> Channels, IReadOnlyList<string> Problems) Read(string www)
    {
        var problems = new List<string>();
        var channelsJson = Path.Combine(www, "channels.json");
        if (ParseObject(channelsJson, "/channels.json", problems) is not { } root)
        {
            return ([], problems);
        }

        var channels = new List<ClassicChannel>();
        foreach (var (name, value) in root)
        {
            if (Names.ValidateChannel(name) is { } invalid)
            {
                problems.Add($"/channels.json: channel '{name}': {invalid}");
                continue;
            }

            if (value is not JsonObject entry)
            {
                problems.Add($"/channels.json: channel '{name}' is not an object");
                continue;
            }

            if (ReadChannel(www, name, entry, problems) is { } channel)
            {
                channels.Add(channel);
            }
        }

        var names = channels.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            foreach (var (kind, target) in new[] { ("an alias of", channel.Alias), ("a redirect to", channel.Redirect) })
            {
                if (target is not null && !names.Contains(target))
                {
                    problems.Add($"/channels.json: '{channel.Name}' is {kind} '{target}', which is not a channel of the tree");
                }
            }

            foreach (var device in channel.Devices.Where(d => d.Redirect is { } target && !names.Contains(target)))
            {
                problems.Add($"/channels.json: device '{device.Name}' of '{channel.Name}' redirects to '{device.Redirect}', which is not a channel of the tree");
            }
        }

        return (channels, problems);
    }

    /// <summary>The part name of a file devices download (<c>ubuntu</c> for <c>/pool/ubuntu-&lt;hash&gt;.tar.xz</c> and its deltas, <c>version</c> for version tarballs), or null for a name this server does not manage.</summary>
    public static string? PartNameOf(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (path.StartsWith(TreeLayout.PoolDirectory + "/", StringComparison.Ordinal) && path.Count(c => c == '/') == 2)
        {
            return PoolFileName().Match(name) is { Success: true } match ? match.Groups[1].Value : null;
        }

        return VersionFileName().IsMatch(name) && path.Count(c => c == '/') >= 3 ? "version" : null;
    }

    private static ClassicChannel? ReadChannel(string www, string name, JsonObject entry, List<string> problems)
    {
        var where = $"/channels.json: channel '{name}'";
        foreach (var (key, _) in entry)
        {
            if (key is not ("devices" or "hidden" or "alias" or "redirect"))
            {
                problems.Add($"{where} has a field '{key}' this server does not keep");
            }
        }

        var hidden = entry["hidden"] is { } hiddenNode && Bool(hiddenNode, $"{where}: hidden", problems);
        var alias = OptionalString(entry, "alias", where, problems);
        var redirect = OptionalString(entry, "redirect", where, problems);
        if (alias is not null && redirect is not null)
        {
            problems.Add($"{where} is both an alias and a redirect");
            return null;
        }

        if (redirect is not null)
        {
            // A redirect channel lists its target's devices for older clients; this server renders them from the target.
            return new ClassicChannel(name, hidden, null, redirect, []);
        }

        if (entry["devices"] is not JsonObject devicesNode)
        {
            problems.Add($"{where} has no 'devices' object");
            return null;
        }

        var devices = new List<ClassicDevice>();
        foreach (var (deviceName, deviceValue) in devicesNode)
        {
            var deviceWhere = $"{where}, device '{deviceName}'";
            if (Names.ValidateDevice(deviceName) is { } invalid)
            {
                problems.Add($"{deviceWhere}: {invalid}");
                continue;
            }

            if (deviceValue is not JsonObject device)
            {
                problems.Add($"{deviceWhere} is not an object");
                continue;
            }

            if (ReadDevice(www, name, deviceName, device, deviceWhere, problems) is { } read)
            {
                devices.Add(read);
            }
        }

        return new ClassicChannel(name, hidden, alias, null, devices);
    }

    private static ClassicDevice? ReadDevice(string www, string channel, string name, JsonObject device, string where, List<string> problems)
    {
        foreach (var (key, _) in device)
        {
            if (key is not ("index" or "keyring" or "redirect"))
            {
                problems.Add($"{where} has a field '{key}' this server does not keep");
            }
        }

        var index = OptionalString(device, "index", where, problems);
        if (OptionalString(device, "redirect", where, problems) is { } redirect)
        {
            if (index != TreeLayout.Index(redirect, name))
            {
                problems.Add($"{where} redirects to '{redirect}' but its index is '{index}', not {TreeLayout.Index(redirect, name)}");
            }

            return new ClassicDevice(name, redirect, false, []);
        }

        var expected = TreeLayout.Index(channel, name);
        if (index != expected)
        {
            problems.Add($"{where}: its index is '{index}'; this server publishes it at {expected}");
            return null;
        }

        var hasKeyring = false;
        if (device["keyring"] is { } keyringNode)
        {
            var keyring = TreeLayout.DeviceKeyring(channel, name);
            if (keyringNode is not JsonObject ring || OptionalString(ring, "path", where, problems) != keyring
                || OptionalString(ring, "signature", where, problems) != TreeLayout.Signature(keyring))
            {
                problems.Add($"{where}: its keyring is not {keyring} with the signature {TreeLayout.Signature(keyring)}");
                return null;
            }

            hasKeyring = true;
        }

        var images = ReadIndex(www, expected, problems);
        return images is null ? null : new ClassicDevice(name, null, hasKeyring, images);
    }

    private static List<Image>? ReadIndex(string www, string indexPath, List<string> problems)
    {
        if (ParseObject(Path.Combine(www, indexPath.TrimStart('/')), indexPath, problems) is not { } root)
        {
            return null;
        }

        if (root["images"] is not JsonArray array)
        {
            problems.Add($"{indexPath} has no 'images' list");
            return null;
        }

        var images = new List<Image>();
        var seen = new HashSet<(ImageType, int, int?)>();
        for (var i = 0; i < array.Count; i++)
        {
            var where = $"{indexPath}: image {i + 1}";
            if (array[i] is not JsonObject node)
            {
                problems.Add($"{where} is not an object");
                continue;
            }

            if (ReadImage(node, where, problems) is { } image)
            {
                if (!seen.Add((image.Type, image.Version, image.Base)))
                {
                    problems.Add($"{where}: {Describe(image)} appears twice");
                    continue;
                }

                images.Add(image);
            }
        }

        foreach (var delta in images.Where(i => i.Type == ImageType.Delta && i.Base is { } b && i.Version <= b))
        {
            problems.Add($"{indexPath}: {Describe(delta)} does not go forward");
        }

        return images;
    }

    private static Image? ReadImage(JsonObject node, string where, List<string> problems)
    {
        var before = problems.Count;
        var translations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node)
        {
            if (key.StartsWith("description_", StringComparison.Ordinal))
            {
                if (value is JsonValue text && text.TryGetValue<string>(out var translated))
                {
                    translations[key["description_".Length..]] = translated;
                }
                else
                {
                    problems.Add($"{where}: '{key}' is not a string");
                }
            }
            else if (!ImageFields.Contains(key))
            {
                problems.Add($"{where} has a field '{key}' this server does not keep");
            }
        }

        var type = RequiredString(node, "type", where, problems) switch
        {
            "full" => ImageType.Full,
            "delta" => ImageType.Delta,
            null => (ImageType?)null,
            var other => Fail<ImageType?>(problems, $"{where}: type '{other}' is neither full nor delta"),
        };
        var version = RequiredInt(node, "version", where, problems);
        var image = new Image
        {
            Type = type ?? ImageType.Full,
            Version = version ?? 0,
            Description = RequiredString(node, "description", where, problems) ?? "",
            VersionDetail = node["version_detail"] is null ? "" : RequiredString(node, "version_detail", where, problems) ?? "",
            Translations = translations,
        };
        if (version is < 1)
        {
            problems.Add($"{where}: version {version} is not a positive number");
        }

        if (type == ImageType.Delta)
        {
            image.Base = RequiredInt(node, "base", where, problems);
        }
        else if (node["base"] is not null)
        {
            problems.Add($"{where}: a full image has a 'base'");
        }

        if (node["bootme"] is { } bootme)
        {
            image.Bootme = Bool(bootme, $"{where}: bootme", problems);
        }

        if (node["minversion"] is not null)
        {
            if (type == ImageType.Delta)
            {
                problems.Add($"{where}: a delta has a 'minversion', which this server keeps on full images only");
            }

            image.MinVersion = RequiredInt(node, "minversion", where, problems);
        }

        if (node["phased-percentage"] is not null)
        {
            var percentage = RequiredInt(node, "phased-percentage", where, problems);
            if (percentage is < 0 or > 100)
            {
                problems.Add($"{where}: phased-percentage {percentage} is not 0–100");
            }

            // 100 is what an absent field means, and this server leaves it out.
            image.PhasedPercentage = percentage is 100 ? null : percentage;
        }

        if (node["files"] is not JsonArray files || files.Count == 0)
        {
            problems.Add($"{where} has no 'files' list");
            return null;
        }

        for (var i = 0; i < files.Count; i++)
        {
            if (ReadFile(files[i], $"{where}, file {i + 1}", problems) is { } file)
            {
                image.Files.Add(file);
            }
        }

        if (image.Files.Select(f => f.Order).Distinct().Count() != image.Files.Count)
        {
            problems.Add($"{where}: two files have the same order");
        }

        return problems.Count == before ? image : null;
    }

    private static ImageFile? ReadFile(JsonNode? value, string where, List<string> problems)
    {
        if (value is not JsonObject node)
        {
            problems.Add($"{where} is not an object");
            return null;
        }

        var before = problems.Count;
        foreach (var (key, _) in node)
        {
            if (!FileFields.Contains(key))
            {
                problems.Add($"{where} has a field '{key}' this server does not keep");
            }
        }

        var path = RequiredString(node, "path", where, problems) ?? "";
        var signature = RequiredString(node, "signature", where, problems);
        var checksum = RequiredString(node, "checksum", where, problems) ?? "";
        var size = RequiredLong(node, "size", where, problems);
        var order = RequiredInt(node, "order", where, problems);
        var part = PartNameOf(path);
        if (!path.StartsWith('/') || path.Contains("/../", StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal) || part is null)
        {
            problems.Add($"{where}: '{path}' is not a file name this server manages (/pool/<part>-<hash>.tar.xz, its deltas, or <channel>/<device>/version-N.tar.xz)");
        }

        if (signature is not null && signature != TreeLayout.Signature(path))
        {
            problems.Add($"{where}: its signature is '{signature}', not {TreeLayout.Signature(path)}");
        }

        if (!Sha256().IsMatch(checksum))
        {
            problems.Add($"{where}: checksum '{checksum}' is not a SHA-256 in lowercase hex");
        }

        if (size is < 0)
        {
            problems.Add($"{where}: size {size} is negative");
        }

        return problems.Count == before
            ? new ImageFile { Order = order!.Value, Path = path, Signature = signature!, Checksum = checksum, Size = size!.Value, PartName = part! }
            : null;
    }

    private static JsonObject? ParseObject(string file, string treePath, List<string> problems)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject
                ?? Fail<JsonObject?>(problems, $"{treePath} is not a JSON object");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail<JsonObject?>(problems, $"{treePath} is missing");
        }
        catch (JsonException e)
        {
            return Fail<JsonObject?>(problems, $"{treePath} is not valid JSON: {e.Message}");
        }
    }

    internal static string Describe(Image image) =>
        image.Type == ImageType.Full ? $"full image {image.Version}" : $"delta {image.Base}→{image.Version}";

    private static T Fail<T>(List<string> problems, string problem)
    {
        problems.Add(problem);
        return default!;
    }

    private static string? OptionalString(JsonObject node, string key, string where, List<string> problems) =>
        node[key] is null ? null : RequiredString(node, key, where, problems);

    private static string? RequiredString(JsonObject node, string key, string where, List<string> problems) =>
        node[key] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : Fail<string?>(problems, node[key] is null ? $"{where} has no '{key}'" : $"{where}: '{key}' is not a string");

    private static int? RequiredInt(JsonObject node, string key, string where, List<string> problems) =>
        RequiredLong(node, key, where, problems) is { } number
            ? number is >= int.MinValue and <= int.MaxValue ? (int)number : Fail<int?>(problems, $"{where}: '{key}' {number} is out of range")
            : null;

    private static long? RequiredLong(JsonObject node, string key, string where, List<string> problems)
    {
        if (node[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return Fail<long?>(problems, node[key] is null ? $"{where} has no '{key}'" : $"{where}: '{key}' is not a whole number");
    }

    private static bool Bool(JsonNode node, string where, List<string> problems) =>
        node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Fail<bool>(problems, $"{where} is not true or false"),
        };

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9_+-]*?)-[0-9a-f]{12,}(\.delta-[A-Za-z0-9][A-Za-z0-9_+-]*-[0-9a-f]{12,})?\.tar\.xz$", RegexOptions.CultureInvariant)]
    private static partial Regex PoolFileName();

    [GeneratedRegex(@"^version-[0-9]+\.tar\.xz$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionFileName();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256();
}
