namespace SystemImage.Core.Images.Deltas;

/// <summary>Tar entry names as the file system sees them, so that <c>./usr/bin/</c> and <c>usr/bin</c> are one path.</summary>
internal static class TarPath
{
    /// <summary>The name without <c>.</c> and empty segments; the archive root (<c>./</c>) becomes the empty string.</summary>
    /// <exception cref="InvalidDataException">The name is absolute or has a <c>..</c> segment.</exception>
    public static string Normalize(string name)
    {
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (name.StartsWith('/') || segments.Contains(".."))
        {
            // See: SPEC §6, tar entries with absolute paths or ".." are bad input.
            throw new InvalidDataException($"The tar entry '{name}' has an absolute path or a '..' segment.");
        }

        return string.Join('/', segments.Where(segment => segment != "."));
    }

    /// <summary>Every directory above <paramref name="path"/> (a normalised path), nearest first, not counting the root.</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            yield return path[..slash];
        }
    }
}
