using System.Formats.Tar;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Writes the delta tarball that turns a source image tarball into a target one (SPEC §2, "Delta tarball").
/// </summary>
/// <remarks>
/// <para>
/// The delta is a GNU tar. Its first entry is a regular file named <c>removed</c> (mode 0644, uid and gid 0, mtime 0)
/// with one normalised path per line, each ending in <c>\n</c>, sorted so that every path comes before its parent
/// directory. It names every path of the source that the target no longer has, and every path of the source that
/// the delta writes again, except a directory that stays a directory. The other entries are the target's entries
/// that the delta carries, in the target's order, with the target's names and full metadata.
/// </para>
/// <para>
/// Apply semantics: delete every path in <c>removed</c> as <c>rm -rf</c> does (a missing path is not an error; a
/// symlink is removed, not followed), then extract the remaining entries in order, as GNU tar does. Because
/// <c>removed</c> lists children before parents, deleting one level at a time (unlink, rmdir) works as well. After
/// the deletions, every carried entry except a directory lands on a path that does not exist; a carried directory
/// that already exists only takes the new mode, owner and mtime and keeps its children. The result is the target,
/// mtimes of unchanged entries aside.
/// </para>
/// <para>
/// What is carried: every path the source did not have; every path whose type, mode, uid, gid, size, device numbers,
/// link target or content (SHA-256) differs; every hard link, even one present and equal in both, since the inode it
/// shares may have been replaced; and every path that a carried hard link names. That last path is written, and listed
/// in <c>removed</c>, even when it did not change, so it always comes before its links and gives them a fresh inode.
/// Unchanged files, directories, symlinks and special files are left out, whatever their mtime. A delta between
/// equal trees is an empty <c>removed</c> plus, if the trees have hard links, each link and the file it names.
/// </para>
/// <para>
/// Names are compared without a leading <c>./</c> or trailing <c>/</c>. A directory that a tarball only implies (it
/// holds entries below it but no entry for it) counts as a directory of that tree. An absolute name, a <c>..</c>
/// segment or a hard link to a path that is not an earlier entry of the target is rejected with
/// <see cref="InvalidDataException"/>. The tarballs are compared through their manifests, read as streams; memory holds a
/// few dozen bytes per entry (see <see cref="DeltaPlan"/>), never an entry's data. PAX and ustar input is read, but
/// extended attributes from PAX headers are not carried.
/// </para>
/// </remarks>
public sealed class DeltaGenerator
{
    /// <summary>The name of the delta's first entry, the list of paths to delete.</summary>
    public const string RemovedListName = "removed";

    /// <summary>
    /// Reads the source once and the target twice (<paramref name="openTarget"/> is called twice and must return the
    /// same bytes), both uncompressed tar streams that this method disposes, and writes the delta as an uncompressed
    /// GNU tar to <paramref name="output"/>, which stays open.
    /// </summary>
    /// <exception cref="InvalidDataException">A tarball is malformed or holds something a delta cannot carry.</exception>
    public DeltaStats Write(Func<Stream> openSource, Func<Stream> openTarget, Stream output, CancellationToken cancellationToken) =>
        Write(Plan(ScanAll(openSource, cancellationToken), ScanAll(openTarget, cancellationToken), cancellationToken), openTarget, output, cancellationToken);

    /// <summary>Decides, from the two manifests alone, what the delta carries and removes.</summary>
    /// <exception cref="InvalidDataException">The target has a hard link to a path that is not an earlier file.</exception>
    internal static DeltaPlan Plan(TarManifest source, TarManifest target, CancellationToken cancellationToken = default) =>
        DeltaPlan.Create(source, target, cancellationToken);

    /// <summary>
    /// Writes the delta that <paramref name="plan"/> describes, reading the target once (<paramref name="openTarget"/>
    /// must give the bytes the plan's target manifest was made from; an uncompressed tar stream this method disposes).
    /// </summary>
    /// <exception cref="InvalidDataException">The target is malformed or does not match its manifest.</exception>
    internal DeltaStats Write(DeltaPlan plan, Func<Stream> openTarget, Stream output, CancellationToken cancellationToken)
    {
        var contentBytes = WriteDelta(openTarget, plan, output, cancellationToken);
        return plan.Stats with { ContentBytes = contentBytes };
    }

    private static TarManifest ScanAll(Func<Stream> open, CancellationToken cancellationToken)
    {
        using var stream = open();
        return TarManifest.Scan(stream, cancellationToken);
    }

    private static long WriteDelta(Func<Stream> openTarget, DeltaPlan plan, Stream output, CancellationToken cancellationToken)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        writer.WriteEntry(RemovedEntry(plan.Removed));
        long contentBytes = 0;
        var index = 0;

        // The manifest is read alongside the tarball, so a tarball that changed since is caught, not half-carried.
        using var expected = plan.Target.ReadEntries(cancellationToken).GetEnumerator();
        foreach (var entry in Entries(openTarget, cancellationToken))
        {
            if (!expected.MoveNext() || TarPath.Normalize(entry.Name) != expected.Current.Path || entry.Length != expected.Current.Fingerprint.Size)
            {
                throw new InvalidDataException("The target tarball does not match its manifest: it changed between its two reads.");
            }

            if (plan.Includes(index))
            {
                writer.WriteEntry(Copy(entry, cancellationToken));
                contentBytes += entry.DataStream is null ? 0 : entry.Length;
            }

            index++;
        }

        if (expected.MoveNext())
        {
            throw new InvalidDataException("The target tarball does not match its manifest: it changed between its two reads.");
        }

        return contentBytes;
    }

    private static IEnumerable<TarEntry> Entries(Func<Stream> open, CancellationToken cancellationToken)
    {
        using var stream = open();
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType != TarEntryType.GlobalExtendedAttributes)
            {
                yield return entry;
            }
        }
    }

    private static GnuTarEntry RemovedEntry(RemovedList paths) => new(TarEntryType.RegularFile, RemovedListName)
    {
        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        Uid = 0,
        Gid = 0,
        ModificationTime = DateTimeOffset.UnixEpoch,
        DataStream = paths.OpenText(),
    };

    private static GnuTarEntry Copy(TarEntry entry, CancellationToken cancellationToken)
    {
        // .NET writes neither V7 regular files nor contiguous files in GNU format; GNU tar unpacks both as plain files.
        var type = entry.EntryType is TarEntryType.V7RegularFile or TarEntryType.ContiguousFile ? TarEntryType.RegularFile : entry.EntryType;
        var copy = TarEntryCopy.Metadata(entry, type, entry.Name);

        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            copy.LinkName = entry.LinkName;
        }

        if (entry.DataStream is { } data)
        {
            copy.DataStream = new EntryDataStream(data, cancellationToken);
        }

        return copy;
    }
}
