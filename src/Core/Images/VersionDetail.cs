namespace SystemImage.Core.Images;

/// <summary>The <c>version_detail</c> string: the parts' details in file order, an optional tag, then <c>version=N</c>.</summary>
public static class VersionDetail
{
    public static string Join(IEnumerable<string> partDetails, string? tag, int version)
    {
        var items = partDetails.Where(d => d.Length > 0).ToList();
        if (tag is not null)
        {
            items.Add($"tag={tag}");
        }

        items.Add($"version={version}");
        return string.Join(',', items);
    }

    /// <summary>Splits a version_detail into its <c>key=value</c> pairs, in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Split(string detail) =>
        [.. detail.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string>(kv[0], kv.Length > 1 ? kv[1] : ""))];

    /// <summary>The longest tag: it is copied into version_detail, the description and channel.ini of every image that carries it.</summary>
    public const int MaxTagLength = 64;

    public static string? ValidateTag(string tag)
    {
        if (tag.Length == 0)
        {
            return "A tag cannot be empty.";
        }

        if (tag.Length > MaxTagLength)
        {
            return $"A tag is at most {MaxTagLength} characters, not {tag.Length}.";
        }

        if (tag.Contains(','))
        {
            return $"Tag '{tag}' contains ',', which would break version_detail.";
        }

        return tag.Any(char.IsControl) || tag.Contains('=') ? $"Tag '{tag}' may not contain control characters or '='." : null;
    }
}
