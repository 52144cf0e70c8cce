using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>
/// liblzma's <c>lzma_stream</c> (x86-64 layout, 136 bytes). All zero is <c>LZMA_STREAM_INIT</c>.
/// Only the fields this wrapper touches are declared; the rest is reserved space.
/// </summary>
// See: /usr/include/lzma/base.h
[StructLayout(LayoutKind.Explicit, Size = 136)]
internal unsafe struct LzmaStream
{
    [FieldOffset(0)] public byte* NextIn;
    [FieldOffset(8)] public nuint AvailIn;
    [FieldOffset(16)] public ulong TotalIn;
    [FieldOffset(24)] public byte* NextOut;
    [FieldOffset(32)] public nuint AvailOut;
    [FieldOffset(40)] public ulong TotalOut;
    [FieldOffset(48)] public void* Allocator;
    [FieldOffset(56)] public void* Internal;
    [FieldOffset(96)] public ulong SeekPos;
}
