using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>
/// zlib's <c>z_stream</c> (LP64 layout, 112 bytes). All zero means "use zlib's default allocator".
/// Only the fields this wrapper touches are declared; the rest is reserved space.
/// </summary>
// See: /usr/include/zlib.h
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal unsafe struct ZStream
{
    [FieldOffset(0)] public byte* NextIn;
    [FieldOffset(8)] public uint AvailIn;
    [FieldOffset(16)] public nuint TotalIn;
    [FieldOffset(24)] public byte* NextOut;
    [FieldOffset(32)] public uint AvailOut;
    [FieldOffset(40)] public nuint TotalOut;
    [FieldOffset(48)] public byte* Message;
}
