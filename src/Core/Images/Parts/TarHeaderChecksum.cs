using System.Buffers.Binary;

namespace SystemImage.Core.Images.Parts;

/// <summary>
/// Checks the checksum of every tar header block, which <see cref="System.Formats.Tar.TarReader"/> reads but never
/// checks: a header with a wrong checksum makes GNU tar skip ahead and Python's <c>tarfile</c> stop early, so a device
/// would unpack less than the server validated.
/// </summary>
internal static class TarHeaderChecksum
{
    private const int BlockSize = 512;
    private const int SizeOffset = 124;
    private const int SizeLength = 12;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;
    private const int TypeOffset = 156;

    /// <summary>
    /// Checks the header blocks in <paramref name="read"/>, the bytes the reader took for one entry's headers: the
    /// previous entry's padding, then GNU long-name and PAX headers with their records, then the entry's own header
    /// (or the end-of-archive marker).
    /// </summary>
    /// <param name="read">The bytes, in archive order.</param>
    /// <param name="start">Where in the archive <paramref name="read"/> starts.</param>
    /// <exception cref="PartRefusedException">A header's checksum does not match.</exception>
    public static void Verify(ReadOnlySpan<byte> read, long start)
    {
        var offset = (int)((BlockSize - (start % BlockSize)) % BlockSize);
        while (offset + BlockSize <= read.Length)
        {
            var block = read.Slice(offset, BlockSize);
            if (!block.ContainsAnyExcept((byte)0))
            {
                return;
            }

            if (!Matches(block))
            {
                throw new PartRefusedException($"the tar archive is corrupt: the header at byte {start + offset} has a wrong checksum");
            }

            if (block[TypeOffset] is not ((byte)'x' or (byte)'g' or (byte)'L' or (byte)'K') || DataLength(block) is not { } length)
            {
                return;
            }

            offset += BlockSize + (int)((length + BlockSize - 1) / BlockSize * BlockSize);
        }
    }

    /// <summary>True when the stored checksum is the sum of the block's bytes, its own field counted as spaces (as unsigned or, like old tars, signed bytes).</summary>
    private static bool Matches(ReadOnlySpan<byte> block)
    {
        if (Octal(block.Slice(ChecksumOffset, ChecksumLength)) is not { } stored)
        {
            return false;
        }

        long unsigned = ChecksumLength * ' ', signed = ChecksumLength * ' ';
        for (var i = 0; i < BlockSize; i++)
        {
            if (i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength)
            {
                continue;
            }

            unsigned += block[i];
            signed += (sbyte)block[i];
        }

        return stored == unsigned || stored == signed;
    }

    /// <summary>The size field of a metadata header (octal, or GNU's base-256), or null when it cannot be read.</summary>
    private static long? DataLength(ReadOnlySpan<byte> block)
    {
        var field = block.Slice(SizeOffset, SizeLength);
        if ((field[0] & 0x80) != 0)
        {
            // Base-256: a metadata header this large is refused by the reader's header bound anyway.
            var value = BinaryPrimitives.ReadInt64BigEndian(field[4..]);
            return field[1..4].ContainsAnyExcept((byte)0) || value < 0 ? null : value;
        }

        return Octal(field);
    }

    /// <summary>An octal number padded with spaces or NULs, or null when the field holds no digits or other characters.</summary>
    private static long? Octal(ReadOnlySpan<byte> field)
    {
        var digits = field.Trim(" \0"u8);
        if (digits.IsEmpty || digits.Length > 21)
        {
            return null;
        }

        long value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'7')
            {
                return null;
            }

            value = (value * 8) + (digit - '0');
        }

        return value;
    }
}
