using System.Buffers;
using System.Formats.Tar;
using SystemImage.Core.Images;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Parts;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// The <c>cdimage-ubuntu</c> re-pack (SPEC §5), in one streaming pass over the source .tar.gz: every entry name and
/// every hard-link target gets the <c>system/</c> prefix (a leading <c>./</c> is dropped first, and the root entry
/// becomes <c>system/</c>), <c>SWAP.swap</c> and <c>etc/mtab</c> are left out, and the <see cref="SystemAdditions"/>
/// follow, dated like the newest source entry so the same source always gives the same bytes. Metadata of the source
/// entries (mode, owners, times, device numbers, link targets) is kept; the output is a plain GNU tar, so PAX
/// extended attributes of the source are not carried. The source is hashed on the way and must match SHA256SUMS.
/// </summary>
internal static class RootfsRepacker
{
    private static readonly string[] Dropped = ["SWAP.swap", "etc/mtab"];

    /// <summary>Writes the re-packed tar of <paramref name="build"/> to <paramref name="outputTar"/> (a new file) and returns its number of entries.</summary>
    /// <param name="build">The source; its file must hash to <see cref="CdImageBuild.Sha256"/>.</param>
    /// <param name="product">Chooses the <see cref="SystemAdditions"/>.</param>
    /// <param name="outputTar">Where the tar goes; the caller deletes it.</param>
    /// <param name="progress">Called with the source bytes read so far, once per entry.</param>
    /// <param name="cancellationToken">Stops the re-pack.</param>
    /// <exception cref="GeneratorException">The source does not match SHA256SUMS, is not a valid .tar.gz or has an entry the re-pack cannot place.</exception>
    public static async Task<int> RepackAsync(
        CdImageBuild build, string product, string outputTar, Action<long> progress, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(build.FilePath);
        await using var file = new FileStream(build.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var source = new HashingReadStream(file);
        int entries;
        try
        {
            await using var output = new FileStream(outputTar, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            await using (var gzip = new GzipDecoderStream(source, leaveOpen: true))
            {
                entries = await CopyAsync(gzip, output, SystemAdditions.For(product), () => progress(source.BytesRead), cancellationToken);

                // The rest of the gzip stream (tar padding) and its trailer: a bad CRC or trailing garbage shows here.
                await DrainAsync(gzip, cancellationToken);
            }

            await DrainAsync(source, cancellationToken);
        }
        catch (Exception e) when (e is GeneratorException || IsCorrupt(e))
        {
            // A file that does not match SHA256SUMS is the better explanation of whatever went wrong inside it.
            await DrainAsync(source, cancellationToken);
            CheckSha256(build, fileName, source.Sha256Hex());
            throw e as GeneratorException
                ?? new GeneratorException($"build {build.Name}: {fileName} is not a valid .tar.gz: {OneLine(e.Message)}", e);
        }

        CheckSha256(build, fileName, source.Sha256Hex());
        return entries;
    }

    private static async Task<int> CopyAsync(
        Stream tar, Stream output, IReadOnlyList<SystemAddition> additions, Action progress, CancellationToken cancellationToken)
    {
        var added = additions.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var underLinks = additions.Where(a => a.Type == TarEntryType.SymbolicLink).Select(a => a.Name + "/").ToList();
        var droppedFiles = new HashSet<string>(StringComparer.Ordinal);
        var newest = DateTimeOffset.UnixEpoch;
        var entries = 0;
        await using var reader = new TarReader(tar, leaveOpen: true);
        await using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            progress();
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var path = Normalized(entry.Name, "entry");
            var name = path.Length == 0 ? "system" : SystemAdditions.Prefix + path;
            newest = entry.ModificationTime > newest ? entry.ModificationTime : newest;
            var linkedFile = entry.EntryType == TarEntryType.HardLink ? SystemAdditions.Prefix + Normalized(entry.LinkName, $"hard link '{entry.Name}' to") : null;

            // Left out: the dropped files, source entries an addition replaces, and hard links to either.
            if (Dropped.Contains(path) || added.Contains(name) || (linkedFile is not null && droppedFiles.Contains(linkedFile)))
            {
                droppedFiles.Add(name);
                continue;
            }

            if (underLinks.FirstOrDefault(link => name.StartsWith(link, StringComparison.Ordinal)) is { } link)
            {
                throw new GeneratorException($"rootfs entry '{entry.Name}' lies below '{link[SystemAdditions.Prefix.Length..^1]}', which the re-pack makes a symlink");
            }

            await writer.WriteEntryAsync(Copy(entry, name, linkedFile), cancellationToken);
            entries++;
        }

        foreach (var addition in additions)
        {
            await writer.WriteEntryAsync(addition.ToEntry(newest), cancellationToken);
            entries++;
        }

        return entries;
    }

    /// <summary>The source entry under its new name, with the source's metadata and data.</summary>
    private static GnuTarEntry Copy(TarEntry entry, string name, string? linkedFile)
    {
        var type = entry.EntryType switch
        {
            TarEntryType.V7RegularFile => TarEntryType.RegularFile,
            TarEntryType.RegularFile or TarEntryType.Directory or TarEntryType.SymbolicLink or TarEntryType.HardLink
                or TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo => entry.EntryType,
            _ => throw new GeneratorException($"rootfs entry '{entry.Name}' has type {entry.EntryType}, which the re-pack does not support"),
        };
        var copy = TarEntryCopy.Metadata(entry, type, type == TarEntryType.Directory ? name + "/" : name);

        switch (type)
        {
            case TarEntryType.HardLink:
                copy.LinkName = linkedFile!;
                break;
            case TarEntryType.SymbolicLink:
                copy.LinkName = entry.LinkName;
                break;
            case TarEntryType.RegularFile:
                copy.DataStream = new ExactLengthReadStream(entry.DataStream ?? Stream.Null, entry.Length, entry.Name);
                break;
        }

        return copy;
    }

    /// <summary>A source name without leading <c>./</c> and trailing <c>/</c>; the empty string for the root entry.</summary>
    private static string Normalized(string name, string what)
    {
        var path = name;
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        if (name.Length == 0 || TarValidator.IsUnsafePath(path))
        {
            throw new GeneratorException($"rootfs {what} '{name}' is empty, absolute or has a '..' segment");
        }

        return path is "." ? "" : path.TrimEnd('/');
    }

    private static void CheckSha256(CdImageBuild build, string fileName, string actual)
    {
        if (actual != build.Sha256)
        {
            throw new GeneratorException(
                $"build {build.Name}: {fileName}: its SHA-256 is {actual}, not the expected {build.Sha256} from {CdImageScanner.Checksums}");
        }
    }

    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // What the gzip decoder and TarReader throw for bad data; ObjectDisposedException would be a bug, not bad input.
    private static bool IsCorrupt(Exception e) =>
        e is InvalidDataException or EndOfStreamException or FormatException or OverflowException or ArgumentException
        || (e is InvalidOperationException && e is not ObjectDisposedException);

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length == 0 ? line : string.Concat(char.ToLowerInvariant(line[0]).ToString(), line.AsSpan(1));
    }
}
