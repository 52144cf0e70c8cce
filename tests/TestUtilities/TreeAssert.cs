using System.Formats.Tar;
using System.Text.Json.Nodes;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.TestUtilities;

/// <summary>Reads published files back for assertions.</summary>
public static class TreeAssert
{
    public static JsonNode ReadJson(TestDataDirectory data, string treePath)
    {
        var file = data.File(treePath);
        Assert.True(File.Exists(file), $"{treePath} should exist in the publish root");
        return JsonNode.Parse(File.ReadAllBytes(file))!;
    }

    public static JsonObject Channels(TestDataDirectory data) => ReadJson(data, "/channels.json").AsObject();

    public static void Exists(TestDataDirectory data, string treePath) =>
        Assert.True(File.Exists(data.File(treePath)), $"{treePath} should exist in the publish root");

    public static void Missing(TestDataDirectory data, string treePath) =>
        Assert.False(File.Exists(data.File(treePath)) || Directory.Exists(data.File(treePath)), $"{treePath} should not exist in the publish root");

    /// <summary>The files inside a published <c>.tar.xz</c>, by entry name.</summary>
    public static Dictionary<string, byte[]> ReadTarXz(string path)
    {
        using var file = File.OpenRead(path);
        using var xz = new XzDecoderStream(file);
        using var reader = new TarReader(xz);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries[entry.Name] = content.ToArray();
        }

        return entries;
    }
}
