namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses gzip with the system zlib. Unlike <see cref="System.IO.Compression.GZipStream"/>,
/// which returns end-of-stream when its input stops early, input that is truncated, corrupt (including a wrong CRC or
/// length in a member's trailer) or followed by anything but another gzip member or zero padding throws
/// <see cref="InvalidDataException"/>. Accepts multi-member files like <c>gzip -d</c>. Not thread-safe.
/// </summary>
public sealed class GzipDecoderStream : NativeDecoderStream
{
    private const byte FirstMagicByte = 0x1F;

    private readonly InflateHandle _zlib;
    private long _totalIn;
    private bool _memberEnded;
    private bool _inPadding;

    /// <param name="input">Supplies the compressed bytes; it is read to its end.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    public GzipDecoderStream(Stream input, bool leaveOpen = false)
        : base(input, leaveOpen)
    {
        _zlib = InflateHandle.CreateGzipDecoder();
    }

    /// <inheritdoc />
    protected override bool TryDecode(Span<byte> output, out int produced)
    {
        produced = 0;
        if (StreamEnded || output.IsEmpty)
        {
            return true;
        }

        if (InputEnded && _totalIn == 0)
        {
            throw new InvalidDataException("The input is empty, not a gzip file.");
        }

        if (_memberEnded)
        {
            return AfterMember();
        }

        var code = _zlib.Inflate(Buffer.AsSpan(Start, End - Start), output, out var consumed, out produced);
        Start += consumed;
        _totalIn += consumed;
        switch (code)
        {
            case ZlibReturn.StreamEnd:
                _memberEnded = true;
                return produced > 0;
            case ZlibReturn.Ok when produced > 0:
                return true;
            case ZlibReturn.Ok or ZlibReturn.BufError when !InputEnded:
                return false;
            case ZlibReturn.Ok or ZlibReturn.BufError:
                throw new InvalidDataException($"The gzip data is truncated: the input ended after {_totalIn} bytes, before the end of the compressed stream.");
            case ZlibReturn.DataError or ZlibReturn.NeedDictionary:
                throw new InvalidDataException($"The gzip data is corrupt near compressed byte {_totalIn}: {_zlib.Message ?? code.ToString()}.");
            case ZlibReturn.MemError:
                throw new InsufficientMemoryException("zlib could not allocate memory for the gzip decoder (Z_MEM_ERROR).");
            default:
                throw new InvalidOperationException($"zlib returned an unexpected code {(int)code} ({code}).");
        }
    }

    /// <summary>Between members: another member, zero padding to the end (as <c>gzip -d</c> allows), or the end.</summary>
    private bool AfterMember()
    {
        if (Start == End)
        {
            StreamEnded = InputEnded;
            return StreamEnded;
        }

        if (!_inPadding && Buffer[Start] == FirstMagicByte)
        {
            _zlib.Reset();
            _memberEnded = false;
            return false;
        }

        var data = Buffer.AsSpan(Start, End - Start);
        var garbage = data.IndexOfAnyExcept((byte)0);
        if (garbage >= 0)
        {
            throw new InvalidDataException($"The gzip file has unexpected data after the end of its compressed stream, at byte {_totalIn + garbage}.");
        }

        _inPadding = true;
        _totalIn += data.Length;
        Start = End;
        return false;
    }

    protected override void ReleaseNative() => _zlib.Dispose();
}
