namespace SystemImage.Core.Storage;

/// <summary>
/// Something in the publish root standing where the tree needs a directory or a file: a foreign <c>README</c> file where
/// channel <c>README</c> would have its directory, or a directory where an <c>index.json</c> goes. Writing there would
/// fail after the database change is committed, so changes look first.
/// </summary>
public static class TreeObstacle
{
    /// <summary>The tree path of the first of <paramref name="directory"/> and its parents that exists but is not a directory, or null.</summary>
    /// <param name="root">The publish root.</param>
    /// <param name="directory">A tree path such as <c>/stable/mako</c>.</param>
    public static string? InDirectory(string root, string directory)
    {
        var path = "";
        foreach (var segment in directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + segment;
            if (segment is "." or "..")
            {
                return path;
            }

            var full = Path.Combine(root, path[1..]);
            if (Directory.Exists(full))
            {
                continue;
            }

            // Nothing there: nothing below it can be in the way either. File.Exists also sees a dangling symlink.
            return File.Exists(full) ? path : null;
        }

        return null;
    }

    /// <summary>The tree path of what stands in the way of writing the file <paramref name="file"/>, or null.</summary>
    public static string? ForFile(string root, string file)
    {
        var slash = file.LastIndexOf('/');
        if (slash > 0 && InDirectory(root, file[..slash]) is { } parent)
        {
            return parent;
        }

        return Directory.Exists(Path.Combine(root, file.TrimStart('/'))) ? file : null;
    }

    /// <summary>Why the directory <paramref name="directory"/> cannot be made, given the <paramref name="obstacle"/> <see cref="InDirectory"/> found.</summary>
    public static string ExplainDirectory(string directory, string obstacle) =>
        $"'{obstacle}' already exists in the publish root and is not a directory, so '{directory}' cannot be made there";

    /// <summary>Why the file <paramref name="file"/> cannot be written, given the <paramref name="obstacle"/> <see cref="ForFile"/> found.</summary>
    public static string ExplainFile(string file, string obstacle) => obstacle == file
        ? $"'{file}' already exists in the publish root as a directory"
        : ExplainDirectory(file[..file.LastIndexOf('/')], obstacle);
}
