using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// The fingerprints of a tarball's entries in archive order: all the delta generator needs of a tarball except the
/// data it copies. Made while a part is validated (so a new build is not read again to be compared) or by scanning a
/// tarball, and kept as a small binary file beside the database (see <see cref="TarManifestStore"/>). It is only ever
/// read as a stream, one entry at a time, so a tarball of millions of entries costs disk, not memory.
/// </summary>
internal sealed class TarManifest
{
    // Format: magic, then per entry a marker byte (1) and its fields, then an end marker (0), the entry count, and
    // the SHA-256 of everything before it. The count and checksum come last because the entries are written as the
    // tarball is read, before anyone knows how many there are.
    internal const byte EntryMarker = 1;
    internal const byte EndMarker = 0;
    internal static readonly byte[] Magic = "SIMANIF2"u8.ToArray();
    private const int TrailerLength = 1 + sizeof(int) + SHA256.HashSizeInBytes;

    private readonly byte[]? _content;

    private TarManifest(int count, string? filePath, byte[]? content)
    {
        Count = count;
        FilePath = filePath;
        _content = content;
    }

    /// <summary>Number of entries, global PAX headers left out.</summary>
    public int Count { get; }

    /// <summary>The file holding the manifest, or null when it is held in memory.</summary>
    public string? FilePath { get; private set; }

    /// <summary>The manifest in the file at <paramref name="path"/>, or null when it is not one (damaged, cut, older format).</summary>
    /// <remarks>Reads the whole file once to check its checksum, a few MB per 100,000 entries.</remarks>
    public static TarManifest? OpenOrNull(string path)
    {
        int? count;
        using (var file = OpenFile(path))
        {
            count = VerifiedCountOrNull(file);
        }

        return count is { } entries ? FromFile(path, entries) : null;
    }

    /// <summary>The manifest <see cref="TarManifestWriter"/> wrote to <paramref name="path"/>, trusted as it is.</summary>
    public static TarManifest FromFile(string path, int count) => new(count, path, null);

    /// <summary>The manifest in <paramref name="content"/>, or null when it is not one (damaged, cut, older format).</summary>
    public static TarManifest? TryRead(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        return VerifiedCountOrNull(stream) is { } count ? new TarManifest(count, null, content) : null;
    }

    /// <summary>Reads every entry of the uncompressed tar in <paramref name="tar"/>, hashing file data, into a manifest held in memory.</summary>
    /// <exception cref="InvalidDataException">The tarball is malformed or has an entry a delta cannot carry.</exception>
    public static TarManifest Scan(Stream tar, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        Scan(tar, output, cancellationToken);
        return TryRead(output.ToArray())!;
    }

    /// <summary>Reads every entry of the uncompressed tar in <paramref name="tar"/>, writing the manifest to <paramref name="output"/>; returns the entry count.</summary>
    /// <exception cref="InvalidDataException">The tarball is malformed or has an entry a delta cannot carry.</exception>
    public static int Scan(Stream tar, Stream output, CancellationToken cancellationToken)
    {
        using var writer = new TarManifestWriter(output);
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType != TarEntryType.GlobalExtendedAttributes)
            {
                writer.Add(new TargetEntry(TarPath.Normalize(entry.Name), EntryFingerprint.Of(entry, cancellationToken)));
            }
        }

        writer.Complete();
        return writer.Count;
    }

    /// <summary>The entries in archive order, read one at a time.</summary>
    /// <exception cref="InvalidDataException">The manifest changed since it was opened.</exception>
    public IEnumerable<TargetEntry> ReadEntries(CancellationToken cancellationToken)
    {
        using var stream = Open();
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw Changed();
        }

        var read = 0;
        while (ReadMarker(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadEntry(reader);
            read++;
        }

        if (reader.ReadInt32() != read || read != Count)
        {
            throw Changed();
        }
    }

    /// <summary>Moves the manifest's file to <paramref name="path"/>, replacing what is there.</summary>
    public void MoveTo(string path)
    {
        File.Move(FilePath ?? throw new InvalidOperationException("The manifest is held in memory, not in a file."), path, overwrite: true);
        FilePath = path;
    }

    /// <summary>Writes the manifest to <paramref name="output"/>.</summary>
    public void CopyTo(Stream output)
    {
        using var stream = Open();
        stream.CopyTo(output);
    }

    private Stream Open() => _content is not null ? new MemoryStream(_content, writable: false) : OpenFile(FilePath!);

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private static int? VerifiedCountOrNull(Stream stream)
    {
        var length = stream.Length;
        if (length < Magic.Length + TrailerLength)
        {
            return null;
        }

        Span<byte> head = stackalloc byte[8];
        stream.ReadExactly(head[..Magic.Length]);
        if (!head[..Magic.Length].SequenceEqual(Magic))
        {
            return null;
        }

        stream.Position = 0;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var remaining = length - SHA256.HashSizeInBytes;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                return null;
            }

            sha256.AppendData(buffer, 0, read);
            remaining -= read;
        }

        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        stream.ReadExactly(stored);
        if (!sha256.GetCurrentHash().AsSpan().SequenceEqual(stored))
        {
            return null;
        }

        // The end marker and count sit just before the checksum.
        stream.Position = length - TrailerLength;
        Span<byte> trailer = stackalloc byte[1 + sizeof(int)];
        stream.ReadExactly(trailer);
        var count = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(trailer[1..]);
        return trailer[0] == EndMarker && count >= 0 ? count : null;
    }

    private static bool ReadMarker(BinaryReader reader) => reader.ReadByte() switch
    {
        EntryMarker => true,
        EndMarker => false,
        _ => throw Changed(),
    };

    private static TargetEntry ReadEntry(BinaryReader reader)
    {
        var path = reader.ReadString();
        var fingerprint = new EntryFingerprint(
            Kind: (TarEntryType)reader.ReadByte(),
            Mode: (UnixFileMode)reader.ReadInt32(),
            Uid: reader.ReadInt32(),
            Gid: reader.ReadInt32(),
            Size: reader.ReadInt64(),
            DeviceMajor: reader.ReadInt32(),
            DeviceMinor: reader.ReadInt32(),
            LinkName: reader.ReadBoolean() ? reader.ReadString() : null,
            Sha256: reader.ReadBoolean() ? reader.ReadBytes(SHA256.HashSizeInBytes) : null);
        return new TargetEntry(path, fingerprint);
    }

    private static InvalidDataException Changed() => new("A tar manifest changed or was damaged after it was checked.");
}
