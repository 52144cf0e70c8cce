using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SystemImage.Core.Generators;

/// <summary>Reads the parts of a remote server's (already verified) channels.json and index.json the remote-system-image generator needs.</summary>
internal static partial class RemoteIndex
{
    private const int MaxRedirects = 5;

    /// <summary>The device's entry in channels.json, following channel redirects; or null and why not.</summary>
    public static (RemoteDevice? Device, string? Missing) FindDevice(byte[] channelsJson, string channel, string device)
    {
        var root = Parse(channelsJson, "channels.json") as JsonObject ?? throw Malformed("channels.json", "it is not an object");
        var name = channel;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            if (root[name] is not JsonObject entry)
            {
                return (null, name == channel ? $"the remote server has no channel '{channel}'" : $"channel '{channel}' redirects to '{name}', which does not exist");
            }

            if (entry["devices"] is JsonObject devices && devices[device] is JsonObject found)
            {
                var index = String(found, "index", "channels.json");
                var keyring = found["keyring"] as JsonObject;
                return (new RemoteDevice(name, index, keyring is null ? null : String(keyring, "path", "channels.json"),
                    keyring is null ? null : String(keyring, "signature", "channels.json")), null);
            }

            if (entry["redirect"] is not JsonValue redirect || !redirect.TryGetValue<string>(out var target))
            {
                return (null, $"remote channel '{name}' has no device '{device}'");
            }

            name = target;
        }

        return (null, $"channel '{channel}' redirects more than {MaxRedirects} times");
    }

    /// <summary>The full image with the highest version, or null when there is none.</summary>
    public static RemoteImage? LatestFull(byte[] indexJson, string what)
    {
        var root = Parse(indexJson, what) as JsonObject ?? throw Malformed(what, "it is not an object");
        if (root["images"] is not JsonArray images)
        {
            throw Malformed(what, "'images' is missing");
        }

        var fulls = images.OfType<JsonObject>()
            .Where(i => i["type"] is JsonValue type && type.TryGetValue<string>(out var t) && t == "full")
            .Select(i => (Image: i, Version: Integer(i, "version", what)))
            .ToList();
        if (fulls.Count == 0)
        {
            return null;
        }

        var full = fulls.MaxBy(i => i.Version);

        var detail = full.Image["version_detail"] is JsonValue value && value.TryGetValue<string>(out var d) ? d : null;
        var files = (full.Image["files"] as JsonArray ?? throw Malformed(what, $"version {full.Version} has no 'files'"))
            .Select(f => FileOf(f as JsonObject ?? throw Malformed(what, "a file entry is not an object"), what))
            .ToList();
        return new RemoteImage((int)full.Version, detail, files);
    }

    /// <summary>
    /// The files of <paramref name="image"/> that are part <paramref name="part"/>: those whose base name is
    /// <c>&lt;part&gt;-&lt;lowercase hex&gt;.tar.xz</c>, the pool naming of this server and of the classic one.
    /// </summary>
    public static IReadOnlyList<RemoteFile> FilesOfPart(RemoteImage image, string part) =>
        image.Files.Where(f =>
        {
            var name = f.Path[(f.Path.LastIndexOf('/') + 1)..];
            return name.StartsWith(part + "-", StringComparison.Ordinal) && HexTarXz().IsMatch(name.AsSpan(part.Length + 1));
        }).ToList();

    /// <summary>The element of a version_detail string for <paramref name="part"/> (<c>ubuntu=20261125</c>), or null.</summary>
    public static string? DetailOf(string? versionDetail, string part) =>
        versionDetail?.Split(',').Select(e => e.Trim()).FirstOrDefault(e => e.StartsWith(part + "=", StringComparison.Ordinal) && e.Length > part.Length + 1);

    private static RemoteFile FileOf(JsonObject file, string what)
    {
        var checksum = String(file, "checksum", what).ToLowerInvariant();
        if (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigitLower))
        {
            throw Malformed(what, $"checksum '{checksum}' is not a SHA-256");
        }

        var size = Integer(file, "size", what);
        return size < 0
            ? throw Malformed(what, $"size {size} is negative")
            : new RemoteFile(String(file, "path", what), String(file, "signature", what), checksum, size);
    }

    private static JsonNode? Parse(byte[] json, string what)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw Malformed(what, e.Message);
        }
    }

    private static string String(JsonObject node, string key, string what) =>
        node[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : throw Malformed(what, $"'{key}' is missing or not a string");

    private static long Integer(JsonObject node, string key, string what) =>
        node[key] is JsonValue value && value.TryGetValue<long>(out var number) ? number : throw Malformed(what, $"'{key}' is missing or not an integer");

    private static GeneratorException Malformed(string what, string problem) =>
        new($"the remote {what} is not valid: {problem.ReplaceLineEndings(" ")}");

    [GeneratedRegex("^[0-9a-f]+\\.tar\\.xz$")]
    private static partial Regex HexTarXz();
}
