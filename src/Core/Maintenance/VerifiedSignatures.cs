using System.Globalization;
using SystemImage.Core.Publishing;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Maintenance;

/// <summary>
/// Which signed files start-up repair found verified, by the length and modification time of the file and of its
/// signature (<c>state/verified-signatures</c>): a restart then reads only what changed since, not every pool file
/// of a tree of many gigabytes. Any write of either file (a publish, a crash between two renames, a hand edit)
/// changes its time, so it is verified again; check-tree --verify ignores this record and reads everything.
/// </summary>
internal sealed class VerifiedSignatures(string stateDir, string root)
{
    private string RecordPath => Path.Combine(stateDir, "verified-signatures");

    /// <summary>The files of <paramref name="paths"/> not recorded as verified in their present state.</summary>
    public IReadOnlyList<string> Unverified(IEnumerable<string> paths)
    {
        var known = StateRecord.Load(RecordPath);
        return [.. paths.Where(p => Stamp(p) is not { } stamp || !known.TryGetValue(p, out var recorded) || recorded != stamp)];
    }

    /// <summary>Records <paramref name="paths"/>, all verified now, replacing the previous record.</summary>
    public void Record(IEnumerable<string> paths) =>
        StateRecord.Save(RecordPath, paths.Select(p => (Path: p, Stamp: Stamp(p))).Where(e => e.Stamp is not null).Select(e => KeyValuePair.Create(e.Path, e.Stamp!)));

    /// <summary>Length and modification time of the file and of its signature, or null when either is missing.</summary>
    private string? Stamp(string path)
    {
        var file = new FileInfo(TreePath.Resolve(root, path));
        var signature = new FileInfo(TreePath.Resolve(root, TreeLayout.Signature(path)));
        return file.Exists && signature.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}:{signature.Length}:{signature.LastWriteTimeUtc.Ticks}")
            : null;
    }
}
