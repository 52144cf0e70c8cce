using System.Text;

namespace SystemImage.Core.Storage;

/// <summary>
/// A record the server keeps about the tree in its state directory: one <c>key TAB value</c> line per entry, replaced
/// whole through a temporary file and a rename, so a crash leaves the old record or the new one.
/// </summary>
internal static class StateRecord
{
    /// <summary>The entries of the record at <paramref name="path"/>; none when it does not exist.</summary>
    public static Dictionary<string, string> Load(string path)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return entries;
        }

        foreach (var line in File.ReadLines(path))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                entries[line[..tab]] = line[(tab + 1)..];
            }
        }

        return entries;
    }

    /// <summary>Replaces the record at <paramref name="path"/> (its directory private to the server) with <paramref name="entries"/>.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, string>> entries)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in entries)
        {
            text.Append(key).Append('\t').Append(value).Append('\n');
        }

        PrivatePaths.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, text.ToString());
        File.Move(temp, path, overwrite: true);
    }
}
