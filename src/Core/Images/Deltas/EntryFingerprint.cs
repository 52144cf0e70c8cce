using System.Formats.Tar;
using System.Security.Cryptography;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// What decides whether a tar entry changed: everything but the name, mtime and owner names. File contents are kept
/// only as a SHA-256, so memory grows with the number of entries, not with their size.
/// </summary>
/// <param name="Kind">The entry type, with the regular-file variants folded into <see cref="TarEntryType.RegularFile"/>.</param>
/// <param name="LinkName">A symlink's target as written, or a hard link's target as a normalised path.</param>
internal sealed record EntryFingerprint(
    TarEntryType Kind,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    long Size,
    int DeviceMajor,
    int DeviceMinor,
    string? LinkName,
    byte[]? Sha256)
{
    public bool IsDirectory => Kind == TarEntryType.Directory;

    /// <summary>Reads the entry's data, if it has any, to hash it.</summary>
    /// <exception cref="InvalidDataException">The entry's type is not one a root file system holds.</exception>
    public static EntryFingerprint Of(TarEntry entry, CancellationToken cancellationToken) =>
        Create(entry, KindOf(entry) == TarEntryType.RegularFile ? Hash(entry, cancellationToken) : null);

    /// <summary>The fingerprint of an entry whose data someone else has read and hashed.</summary>
    /// <param name="dataSha256">The SHA-256 of the entry's data; null when it has none (an empty file's hash is filled in).</param>
    /// <exception cref="InvalidDataException">The entry's type is not one a root file system holds.</exception>
    public static EntryFingerprint Create(TarEntry entry, byte[]? dataSha256)
    {
        var kind = KindOf(entry);
        var device = kind is TarEntryType.CharacterDevice or TarEntryType.BlockDevice && entry is PosixTarEntry posix
            ? (posix.DeviceMajor, posix.DeviceMinor)
            : (0, 0);
        var linkName = kind switch
        {
            TarEntryType.SymbolicLink => entry.LinkName,
            TarEntryType.HardLink => TarPath.Normalize(entry.LinkName),
            _ => null,
        };
        var hash = kind == TarEntryType.RegularFile ? dataSha256 ?? SHA256.HashData(ReadOnlySpan<byte>.Empty) : null;
        return new EntryFingerprint(kind, entry.Mode, entry.Uid, entry.Gid, entry.Length, device.Item1, device.Item2, linkName, hash);
    }

    /// <summary>True when applying the delta would not need to touch this path.</summary>
    public bool Matches(EntryFingerprint other) =>
        Kind == other.Kind
        && Mode == other.Mode
        && Uid == other.Uid
        && Gid == other.Gid
        && Size == other.Size
        && DeviceMajor == other.DeviceMajor
        && DeviceMinor == other.DeviceMinor
        && LinkName == other.LinkName
        && (Sha256 ?? []).AsSpan().SequenceEqual(other.Sha256 ?? []);

    private static TarEntryType KindOf(TarEntry entry) => entry.EntryType switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => TarEntryType.RegularFile,
        TarEntryType.Directory or TarEntryType.SymbolicLink or TarEntryType.HardLink or TarEntryType.CharacterDevice
            or TarEntryType.BlockDevice or TarEntryType.Fifo => entry.EntryType,
        _ => throw new InvalidDataException($"The tar entry '{entry.Name}' has type {entry.EntryType}, which a delta cannot carry."),
    };

    private static byte[] Hash(TarEntry entry, CancellationToken cancellationToken) =>
        entry.DataStream is { } data
            ? SHA256.HashData(new EntryDataStream(data, cancellationToken))
            : SHA256.HashData(ReadOnlySpan<byte>.Empty);
}
