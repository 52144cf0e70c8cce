using System.Buffers;
using System.Formats.Tar;
using System.Security.Cryptography;
using SystemImage.Core.Images.Deltas;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Reads a tar to the very end of its stream with <see cref="TarReader"/>, entry data included (in fixed-size chunks,
/// never buffered whole), and refuses anything a device must not unpack: unsafe names, and links that
/// <see cref="TarLinkRules"/> refuses. Every byte of the stream is read exactly
/// once, so a tee below sees the whole archive, end-of-archive padding included.
/// </summary>
internal static class TarValidator
{
    private const int ChunkSize = 1 << 20;
    private const int MaxShownNameLength = 200;
    private const char NotUtf8 = '\uFFFD';

    /// <summary>The entry types devices unpack and deltas carry (GNU tar unpacks a contiguous file as a plain one).</summary>
    private static readonly HashSet<TarEntryType> Unpackable =
    [
        TarEntryType.RegularFile, TarEntryType.V7RegularFile, TarEntryType.ContiguousFile, TarEntryType.Directory,
        TarEntryType.SymbolicLink, TarEntryType.HardLink, TarEntryType.CharacterDevice, TarEntryType.BlockDevice,
        TarEntryType.Fifo,
    ];

    /// <summary>Validates the tar in <paramref name="tar"/> and returns its number of entries.</summary>
    /// <param name="tar">The uncompressed tar.</param>
    /// <param name="manifest">When given, receives every entry with the SHA-256 of its data, for the delta generator.</param>
    /// <param name="maxEntries">Most entries the tar may have (global PAX headers not counted).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="PartRefusedException">The tar is truncated, corrupt, empty, has too many entries or an unsafe one.</exception>
    public static async Task<int> ValidateAsync(Stream tar, TarManifestBuilder? manifest, int maxEntries, CancellationToken cancellationToken)
    {
        var guard = new TarReadGuard(tar);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var entries = await ReadEntriesAsync(guard, buffer, manifest, maxEntries, cancellationToken);
            await DrainAsync(guard, buffer, cancellationToken);
            return entries;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True for a name that is absolute or has a <c>..</c> segment, i.e. could land outside the unpack directory.</summary>
    public static bool IsUnsafePath(string path) => path.StartsWith('/') || path.Split('/').Contains("..");

    private static async Task<int> ReadEntriesAsync(
        TarReadGuard guard, byte[] buffer, TarManifestBuilder? manifest, int maxEntries, CancellationToken cancellationToken)
    {
        var entries = 0;
        var links = new TarLinkRules();
        using var hash = manifest is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            await using (var reader = new TarReader(guard, leaveOpen: true))
            {
                while (await NextEntryAsync(reader, guard, cancellationToken) is { } entry)
                {
                    if (!PartSniffer.HasTarMagic(guard.FirstBlock))
                    {
                        throw NotATar();
                    }

                    if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                    {
                        continue;
                    }

                    if (entries == maxEntries)
                    {
                        throw new PartRefusedException(
                            $"the tar archive has more than {maxEntries} entries, the most one part may have (SystemImage:Limits:MaxEntriesPerPart)");
                    }

                    Check(entry);
                    if (links.Check(entry) is { } linkError)
                    {
                        throw new PartRefusedException(linkError);
                    }

                    entries++;
                    if (entry.DataStream is { } data && await SkipAsync(data, buffer, hash, cancellationToken) < entry.Length)
                    {
                        // TarReader's data stream just ends early when the archive does.
                        throw Truncated(guard, $"inside the data of '{Show(entry.Name)}'");
                    }

                    manifest?.Add(entry, entry.DataStream is null ? null : hash!.GetHashAndReset());
                }
            }

            if (entries == 0)
            {
                throw new PartRefusedException("the tar archive has no entries");
            }
        }
        catch (EndOfStreamException) when (!guard.InnerFailed)
        {
            throw Truncated(guard, "before the end-of-archive marker");
        }
        catch (Exception ex) when (!guard.InnerFailed && IsParseError(ex))
        {
            throw entries == 0 && !PartSniffer.HasTarMagic(guard.FirstBlock)
                ? NotATar()
                : new PartRefusedException($"the tar archive is corrupt near byte {guard.Consumed}: {ex.Message}");
        }

        return entries;
    }

    private static async Task<TarEntry?> NextEntryAsync(TarReader reader, TarReadGuard guard, CancellationToken cancellationToken)
    {
        guard.BeginHeader();
        var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken);
        guard.EndHeader();
        return entry;
    }

    private static void Check(TarEntry entry)
    {
        if (entry.Name.Length == 0)
        {
            throw new PartRefusedException("the tar archive has an entry with an empty name");
        }

        if (!Unpackable.Contains(entry.EntryType))
        {
            throw new PartRefusedException(
                $"tar entry '{Show(entry.Name)}' has type '{(char)entry.EntryType}' ({entry.EntryType}); an image holds only files, directories, links, device nodes and FIFOs");
        }

        if (entry.Name.Contains('\n', StringComparison.Ordinal))
        {
            throw new PartRefusedException($"tar entry '{Show(entry.Name)}' has a line break in its name, which a delta's list of removed files cannot hold");
        }

        if (entry.Name.Contains(NotUtf8) || (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink && entry.LinkName.Contains(NotUtf8)))
        {
            // TarReader decodes names as UTF-8 and puts U+FFFD where the bytes are not; a delta would then name another file.
            throw new PartRefusedException($"tar entry '{Show(entry.Name)}' has a name or link target that is not valid UTF-8");
        }

        if (IsUnsafePath(entry.Name))
        {
            throw new PartRefusedException($"tar entry '{Show(entry.Name)}' has an absolute path or a '..' segment");
        }

        if (entry.EntryType is TarEntryType.HardLink && IsUnsafePath(entry.LinkName))
        {
            throw new PartRefusedException(
                $"tar entry '{Show(entry.Name)}' is a hard link to '{Show(entry.LinkName)}', which has an absolute path or a '..' segment");
        }
    }

    /// <summary>Reads an entry's data to its end, feeding it to <paramref name="hash"/> when there is one.</summary>
    private static async Task<long> SkipAsync(Stream data, byte[] buffer, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        long total = 0;
        int read;
        while ((read = await data.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
        {
            hash?.AppendData(buffer, 0, read);
            total += read;
        }

        return total;
    }

    /// <summary>Reads what follows the end-of-archive marker: zero padding up to the record size, nothing else.</summary>
    private static async Task DrainAsync(TarReadGuard guard, byte[] buffer, CancellationToken cancellationToken)
    {
        int read;
        while ((read = await guard.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
        {
            var garbage = buffer.AsSpan(0, read).IndexOfAnyExcept((byte)0);
            if (garbage >= 0)
            {
                throw new PartRefusedException($"the tar archive has data after its end-of-archive marker, at byte {guard.Consumed - read + garbage}");
            }
        }
    }

    // What TarReader throws for malformed headers; ObjectDisposedException would be our bug, not bad input.
    private static bool IsParseError(Exception ex) =>
        ex is InvalidDataException or FormatException or OverflowException or ArgumentException or NotSupportedException
        || (ex is InvalidOperationException && ex is not ObjectDisposedException);

    private static PartRefusedException Truncated(TarReadGuard guard, string where) =>
        new($"the tar archive is truncated: it ends after {guard.Consumed} bytes, {where}");

    private static PartRefusedException NotATar() =>
        new("the data is not a tar archive: its first header has no ustar magic");

    /// <summary>An entry name fit for a one-line message: control characters replaced, long names shortened.</summary>
    internal static string Show(string name)
    {
        var shown = string.Create(name.Length, name, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
        return shown.Length <= MaxShownNameLength ? shown : string.Concat(shown.AsSpan(0, MaxShownNameLength), "…");
    }
}
