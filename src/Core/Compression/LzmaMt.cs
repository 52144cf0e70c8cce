using System.Runtime.InteropServices;

namespace SystemImage.Core.Compression;

/// <summary>liblzma's <c>lzma_mt</c> options for the multi-threaded coders (x86-64 layout, 128 bytes).</summary>
// See: /usr/include/lzma/container.h
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal unsafe struct LzmaMt
{
    [FieldOffset(0)] public uint Flags;
    [FieldOffset(4)] public uint Threads;
    [FieldOffset(8)] public ulong BlockSize;
    [FieldOffset(16)] public uint Timeout;
    [FieldOffset(20)] public uint Preset;
    [FieldOffset(24)] public void* Filters;
    [FieldOffset(32)] public int Check;
    [FieldOffset(64)] public ulong MemlimitThreading;
    [FieldOffset(72)] public ulong MemlimitStop;
}
