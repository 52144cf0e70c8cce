namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream that decompresses .xz with liblzma's multi-threaded decoder. Accepts concatenated
/// .xz streams like <c>xz -d</c>; input that is not .xz, truncated or corrupt, or that needs more memory to decode than
/// the limit, throws <see cref="InvalidDataException"/>. Not thread-safe.
/// </summary>
public sealed class XzDecoderStream : NativeDecoderStream
{
    private readonly LzmaHandle _lzma;
    private readonly long _memoryLimit;

    /// <param name="input">Supplies the compressed bytes.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    /// <param name="threads">Worker threads; 0 means <see cref="Environment.ProcessorCount"/>. Multi-block files decode in parallel.</param>
    /// <param name="memoryLimit">
    /// The most memory decoding may take, in bytes (threads are dropped before it is reached); a file that needs more is
    /// refused. Null (default): the limit of <see cref="XzMemoryBudget.Shared"/>, so a hostile file cannot make the
    /// server allocate more than the configured budget.
    /// </param>
    public XzDecoderStream(Stream input, bool leaveOpen = false, int threads = 0, long? memoryLimit = null)
        : base(input, leaveOpen)
    {
        _memoryLimit = memoryLimit ?? XzMemoryBudget.Shared.LimitBytes;
        _lzma = LzmaHandle.CreateDecoder(threads, _memoryLimit);
    }

    /// <inheritdoc />
    protected override bool TryDecode(Span<byte> output, out int produced)
    {
        produced = 0;
        if (StreamEnded || output.IsEmpty)
        {
            return true;
        }

        if (InputEnded && _lzma.TotalIn == 0)
        {
            throw new InvalidDataException("The input is empty, not an .xz file.");
        }

        // LZMA_CONCATENATED: liblzma reports the end only after LZMA_FINISH, i.e. once the input is exhausted.
        var action = InputEnded ? LzmaAction.Finish : LzmaAction.Run;
        var code = _lzma.Code(Buffer.AsSpan(Start, End - Start), output, action, out var consumed, out produced);
        Start += consumed;
        switch (code)
        {
            case LzmaReturn.StreamEnd:
                StreamEnded = true;
                return true;
            case LzmaReturn.Ok:
                return produced > 0;
            case LzmaReturn.MemlimitError:
                throw LzmaErrors.MemoryLimit(_lzma.MemoryUsage, _memoryLimit);
            default:
                throw LzmaErrors.ForDecoder(code, _lzma.TotalIn);
        }
    }

    protected override void ReleaseNative() => _lzma.Dispose();
}
