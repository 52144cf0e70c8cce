using System.Text;

namespace SystemImage.Core.Images.Deltas;

/// <summary>
/// The paths of a delta's <c>removed</c> entry, kept as UTF-8 in 1 MiB blocks (about a third of what as many strings
/// would take), sorted so that every path comes before its parent, and read back as the entry's data.
/// </summary>
internal sealed class RemovedList
{
    private const int BlockSize = 1 << 20;

    private readonly List<byte[]> _blocks = [];
    private Slot[] _paths = new Slot[64];
    private int _used;

    /// <summary>Number of paths.</summary>
    public int Count { get; private set; }

    /// <summary>Length of the entry's text: every path and its line break.</summary>
    public long TextLength { get; private set; }

    /// <summary>The paths in their current order (for tests and messages; each is decoded anew).</summary>
    public IEnumerable<string> Paths
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return Encoding.UTF8.GetString(Bytes(_paths[i]));
            }
        }
    }

    /// <exception cref="InvalidDataException">The path has a line break, which the list cannot hold.</exception>
    public void Add(string path)
    {
        if (path.Contains('\n'))
        {
            throw new InvalidDataException($"The path '{path}' has a line break, so the removed list cannot name it.");
        }

        var length = Encoding.UTF8.GetByteCount(path);
        if (_blocks.Count == 0 || length > _blocks[^1].Length - _used)
        {
            _blocks.Add(new byte[Math.Max(BlockSize, length)]);
            _used = 0;
        }

        var block = _blocks.Count - 1;
        Encoding.UTF8.GetBytes(path, _blocks[block].AsSpan(_used, length));
        if (Count == _paths.Length)
        {
            Array.Resize(ref _paths, _paths.Length * 2);
        }

        _paths[Count++] = new Slot(block, _used, length);
        _used += length;
        TextLength += length + 1;
    }

    /// <summary>
    /// Sorts in descending byte order, which is descending code point order: a path always sorts after its parent,
    /// which is a prefix of it, so this puts every path before its parent and deleting one level at a time works.
    /// </summary>
    public void Sort() => Array.Sort(_paths, 0, Count, Comparer<Slot>.Create((a, b) => Bytes(b).SequenceCompareTo(Bytes(a))));

    /// <summary>The entry's data: each path followed by <c>\n</c>.</summary>
    public Stream OpenText() => new TextStream(this);

    private ReadOnlySpan<byte> Bytes(Slot slot) => _blocks[slot.Block].AsSpan(slot.Offset, slot.Length);

    private readonly record struct Slot(int Block, int Offset, int Length);

    /// <summary>
    /// Streams the text. Like <see cref="EntryDataStream"/>, it claims to be seekable and knows its length, which is
    /// what <see cref="System.Formats.Tar.TarWriter"/> needs to write it into an unseekable output; it reads forward only.
    /// </summary>
    private sealed class TextStream(RemovedList list) : Stream
    {
        private int _path;
        private int _offset;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => list.TextLength;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _path < list.Count)
            {
                var bytes = list.Bytes(list._paths[_path]);
                if (_offset < bytes.Length)
                {
                    var count = Math.Min(bytes.Length - _offset, buffer.Length - written);
                    bytes.Slice(_offset, count).CopyTo(buffer[written..]);
                    _offset += count;
                    written += count;
                    continue;
                }

                buffer[written++] = (byte)'\n';
                _path++;
                _offset = 0;
            }

            _position += written;
            return written;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => Length + offset,
            };
            return target == _position ? _position : throw new NotSupportedException("The removed list can only be read forward.");
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
