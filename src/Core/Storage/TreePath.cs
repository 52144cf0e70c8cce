namespace SystemImage.Core.Storage;

/// <summary>Maps tree paths (<c>/stable/mako/index.json</c>) to files under the publish root and refuses anything that escapes it.</summary>
public static class TreePath
{
    public static string Resolve(string root, string treePath)
    {
        var relative = treePath.TrimStart('/');
        if (relative.Length == 0 || relative.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"'{treePath}' is not a valid path inside the publish root.", nameof(treePath));
        }

        var full = Path.GetFullPath(Path.Combine(root, relative));
        var rootWithSeparator = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{treePath}' resolves outside the publish root.", nameof(treePath));
        }

        return full;
    }

    /// <summary>The tree path of a file under root, with a leading <c>/</c> and forward slashes.</summary>
    public static string ToTreePath(string root, string fullPath) =>
        "/" + Path.GetRelativePath(root, fullPath).Replace(Path.DirectorySeparatorChar, '/');
}
