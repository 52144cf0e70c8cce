using System.Text.Json.Nodes;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Publishing;

/// <summary>Renders a device's index.json (SPEC §2) from its images.</summary>
public static class IndexRenderer
{
    public static byte[] Render(IEnumerable<Image> images, string generatedAt)
    {
        var list = new JsonArray();
        foreach (var image in images.OrderBy(i => i.Version).ThenBy(i => i.Type).ThenBy(i => i.Base))
        {
            list.Add(RenderImage(image));
        }

        var root = new JsonObject
        {
            ["global"] = new JsonObject { ["generated_at"] = generatedAt },
            ["images"] = list,
        };
        return CanonicalJson.Serialize(root);
    }

    public static JsonObject RenderImage(Image image)
    {
        var node = new JsonObject
        {
            ["type"] = image.Type == ImageType.Full ? "full" : "delta",
            ["version"] = image.Version,
            ["description"] = image.Description,
            ["version_detail"] = image.VersionDetail,
            ["files"] = new JsonArray([.. image.Files.OrderBy(f => f.Order).Select(RenderFile)]),
        };
        if (image.Type == ImageType.Delta)
        {
            node["base"] = image.Base;
        }

        foreach (var (language, text) in image.Translations)
        {
            node[$"description_{language}"] = text;
        }

        if (image.Bootme)
        {
            node["bootme"] = true;
        }

        if (image.MinVersion is { } minVersion && image.Type == ImageType.Full)
        {
            node["minversion"] = minVersion;
        }

        if (image.PhasedPercentage is { } percentage)
        {
            node["phased-percentage"] = percentage;
        }

        return node;
    }

    private static JsonNode RenderFile(ImageFile file) => new JsonObject
    {
        ["order"] = file.Order,
        ["path"] = file.Path,
        ["signature"] = file.Signature,
        ["checksum"] = file.Checksum,
        ["size"] = file.Size,
    };
}
