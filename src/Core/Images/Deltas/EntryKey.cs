using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// A 128-bit hash (XXH3-128) standing in for a path or a whole <see cref="EntryFingerprint"/> while a delta is planned,
/// so the planner holds 16 bytes per entry instead of the path and its metadata. The seed is random for every plan: two
/// different values share a key with a chance of about 2⁻⁸⁸ among a million entries, and nobody can pick names that
/// collide without knowing the seed (a publisher could only break the deltas of images it publishes anyway).
/// </summary>
internal readonly struct EntryKey : IEquatable<EntryKey>
{
    private const int StackLimit = 512;

    private readonly UInt128 _value;

    private EntryKey(UInt128 value) => _value = value;

    /// <summary>A random seed for one plan's keys.</summary>
    public static long NewSeed() => BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(sizeof(long)));

    /// <summary>The key of a normalised path.</summary>
    public static EntryKey OfPath(string path, long seed)
    {
        var length = Encoding.UTF8.GetMaxByteCount(path.Length);
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return new EntryKey(XxHash128.HashToUInt128(buffer[..Encoding.UTF8.GetBytes(path, buffer)], seed));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The key of everything <see cref="EntryFingerprint.Matches"/> compares: equal keys, matching fingerprints.</summary>
    public static EntryKey OfFingerprint(EntryFingerprint f, long seed)
    {
        var link = f.LinkName ?? "";
        var length = 1 + (6 * sizeof(long)) + 1 + Encoding.UTF8.GetMaxByteCount(link.Length) + SHA256.HashSizeInBytes;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = 0;
            buffer[at++] = (byte)f.Kind;
            foreach (var number in (ReadOnlySpan<long>)[(long)f.Mode, f.Uid, f.Gid, f.Size, f.DeviceMajor, f.DeviceMinor])
            {
                BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], number);
                at += sizeof(long);
            }

            // As in Matches: a null link differs from an empty one, a missing hash does not differ from an empty one.
            buffer[at++] = (byte)((f.LinkName is null ? 0 : 1) | (f.Sha256 is { Length: > 0 } ? 2 : 0));
            at += Encoding.UTF8.GetBytes(link, buffer[at..]);
            if (f.Sha256 is { Length: > 0 } sha256)
            {
                sha256.CopyTo(buffer[at..]);
                at += sha256.Length;
            }

            return new EntryKey(XxHash128.HashToUInt128(buffer[..at], seed));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public bool Equals(EntryKey other) => _value == other._value;

    public override bool Equals(object? obj) => obj is EntryKey other && Equals(other);

    // The bits are uniformly distributed already.
    public override int GetHashCode() => (int)(ulong)_value;

    public static bool operator ==(EntryKey left, EntryKey right) => left.Equals(right);

    public static bool operator !=(EntryKey left, EntryKey right) => !left.Equals(right);
}
