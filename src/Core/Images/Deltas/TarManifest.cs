using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// The fingerprints of a tarball's entries in archive order: all the delta generator needs of a tarball except the
/// data it copies. Made while a part is validated (so a new build is not read again to be compared) or by scanning a
/// tarball, and kept in a small binary file beside the database (see <see cref="TarManifestStore"/>).
/// </summary>
internal sealed class TarManifest
{
    // Format: magic, entry count, the entries, then the SHA-256 of everything before it.
    private static readonly byte[] Magic = "SIMANIF1"u8.ToArray();

    public TarManifest(IReadOnlyList<TargetEntry> entries) => Entries = entries;

    /// <summary>The entries in archive order, global PAX headers left out.</summary>
    public IReadOnlyList<TargetEntry> Entries { get; }

    /// <summary>Path to fingerprint, the last occurrence of a path winning as it does when extracting.</summary>
    public Dictionary<string, EntryFingerprint> ByPath()
    {
        var paths = new Dictionary<string, EntryFingerprint>(Entries.Count, StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            paths[entry.Path] = entry.Fingerprint;
        }

        return paths;
    }

    /// <summary>Reads every entry of the uncompressed tar in <paramref name="tar"/>, hashing file data.</summary>
    /// <exception cref="InvalidDataException">The tarball is malformed or has an entry a delta cannot carry.</exception>
    public static TarManifest Scan(Stream tar, CancellationToken cancellationToken)
    {
        var entries = new List<TargetEntry>();
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType != TarEntryType.GlobalExtendedAttributes)
            {
                entries.Add(new TargetEntry(TarPath.Normalize(entry.Name), EntryFingerprint.Of(entry, cancellationToken)));
            }
        }

        return new TarManifest(entries);
    }

    public void WriteTo(Stream output)
    {
        using var hashed = new MemoryStream();
        using (var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Entries.Count);
            foreach (var (path, f) in Entries)
            {
                writer.Write(path);
                writer.Write((byte)f.Kind);
                writer.Write((int)f.Mode);
                writer.Write(f.Uid);
                writer.Write(f.Gid);
                writer.Write(f.Size);
                writer.Write(f.DeviceMajor);
                writer.Write(f.DeviceMinor);
                writer.Write(f.LinkName is not null);
                if (f.LinkName is { } link)
                {
                    writer.Write(link);
                }

                writer.Write(f.Sha256 is not null);
                writer.Write(f.Sha256 ?? []);
            }
        }

        var body = hashed.GetBuffer().AsSpan(0, (int)hashed.Length);
        output.Write(body);
        output.Write(SHA256.HashData(body));
    }

    /// <summary>The manifest <see cref="WriteTo"/> wrote, or null when <paramref name="content"/> is not one (damaged, older format).</summary>
    public static TarManifest? TryRead(ReadOnlySpan<byte> content)
    {
        if (content.Length < Magic.Length + sizeof(int) + SHA256.HashSizeInBytes)
        {
            return null;
        }

        var body = content[..^SHA256.HashSizeInBytes];
        if (!body.StartsWith(Magic) || !SHA256.HashData(body).AsSpan().SequenceEqual(content[^SHA256.HashSizeInBytes..]))
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(body[Magic.Length..].ToArray()), Encoding.UTF8);
            var count = reader.ReadInt32();
            var entries = new List<TargetEntry>(Math.Min(count, 1 << 20));
            for (var i = 0; i < count; i++)
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
                entries.Add(new TargetEntry(path, fingerprint));
            }

            return reader.BaseStream.Position == reader.BaseStream.Length ? new TarManifest(entries) : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
