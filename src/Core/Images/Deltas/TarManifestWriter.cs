using System.Text;
using SystemImage.Core.Images.Parts;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// Writes a <see cref="TarManifest"/> one entry at a time, as the tarball is read: nothing but a small buffer is held,
/// however many entries there are. <see cref="Complete"/> writes the trailer (entry count and checksum).
/// </summary>
internal sealed class TarManifestWriter : IDisposable
{
    private readonly Stream _output;
    private readonly HashingWriteStream _hashed;
    private readonly BinaryWriter _writer;
    private bool _completed;

    public TarManifestWriter(Stream output)
    {
        _output = output;
        _hashed = new HashingWriteStream(output);
        _writer = new BinaryWriter(new BufferedStream(_hashed, 1 << 16), Encoding.UTF8, leaveOpen: false);
        _writer.Write(TarManifest.Magic);
    }

    /// <summary>Entries written so far.</summary>
    public int Count { get; private set; }

    public void Add(TargetEntry entry)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var (path, f) = entry;
        _writer.Write(TarManifest.EntryMarker);
        _writer.Write(path);
        _writer.Write((byte)f.Kind);
        _writer.Write((int)f.Mode);
        _writer.Write(f.Uid);
        _writer.Write(f.Gid);
        _writer.Write(f.Size);
        _writer.Write(f.DeviceMajor);
        _writer.Write(f.DeviceMinor);
        _writer.Write(f.LinkName is not null);
        if (f.LinkName is { } link)
        {
            _writer.Write(link);
        }

        _writer.Write(f.Sha256 is not null);
        _writer.Write(f.Sha256 ?? []);
        Count = checked(Count + 1);
    }

    /// <summary>Writes the end marker, the count and the SHA-256 of everything before it, and flushes the output.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _writer.Write(TarManifest.EndMarker);
        _writer.Write(Count);
        _writer.Flush();
        _output.Write(Convert.FromHexString(_hashed.Sha256Hex()));
        _output.Flush();
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed)
        {
            // Flushed already; this disposes the buffer and the hash, never the output.
            _writer.Dispose();
        }
        else
        {
            // Abandoned (a bad entry, a failed write): flushing the buffer could only fail again.
            _hashed.Dispose();
        }
    }
}
