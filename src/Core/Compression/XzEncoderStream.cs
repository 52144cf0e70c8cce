using System.Buffers;

namespace SystemImage.Core.Compression;

/// <summary>
/// Write-only stream that compresses to .xz (CRC64 check) with liblzma's multi-threaded encoder.
/// Disposing it finishes the .xz stream; until then the output is incomplete. Not thread-safe.
/// The encoder starts at the first write: it reserves its memory in the settings' <see cref="XzMemoryBudget"/> then,
/// with as many threads as fit (waiting while not even one does), and gives it back once the stream is finished.
/// The output does not depend on the number of threads.
/// </summary>
public sealed class XzEncoderStream : Stream
{
    private const int BufferSize = 1 << 20;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly XzSettings _settings;
    private LzmaHandle? _lzma;
    private byte[] _buffer;
    private int _pending;
    private bool _completed;
    private bool _faulted;
    private bool _disposed;

    /// <param name="output">Receives the compressed bytes.</param>
    /// <param name="settings">Preset, block size, threads and the memory budget.</param>
    /// <param name="leaveOpen">Leave <paramref name="output"/> open when this stream is disposed.</param>
    /// <exception cref="ArgumentException">The output cannot be written, or liblzma rejects the settings.</exception>
    public XzEncoderStream(Stream output, XzSettings settings, bool leaveOpen = false)
    {
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        // Checks the settings now rather than at the first write.
        settings.EncoderMemoryUsage(settings.MaxThreads);
        _settings = settings;
        _output = output;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>The threads the encoder runs with; 0 until the first write starts it.</summary>
    public int Threads { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!buffer.IsEmpty)
        {
            Start();
        }

        while (!buffer.IsEmpty)
        {
            if (OutputFull)
            {
                WritePending();
            }

            Encode(buffer, LzmaAction.Run, out var consumed);
            buffer = buffer[consumed..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!buffer.IsEmpty)
        {
            await StartAsync(cancellationToken);
        }

        while (!buffer.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (OutputFull)
            {
                await WritePendingAsync(cancellationToken);
            }

            Encode(buffer.Span, LzmaAction.Run, out var consumed);
            buffer = buffer[consumed..];
        }
    }

    /// <summary>Writes the compressed bytes produced so far to the output. It does not end an .xz block.</summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WritePending();
        _output.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await WritePendingAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Finishes the .xz stream and writes the rest of it; used by <see cref="Xz.CompressAsync"/> to pass its token.</summary>
    internal async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (OutputFull)
            {
                await WritePendingAsync(cancellationToken);
            }

            if (Encode(default, LzmaAction.Finish, out _) == LzmaReturn.StreamEnd)
            {
                break;
            }
        }

        // The stream is whole: free the encoder's memory now rather than when the caller disposes this.
        _lzma!.Dispose();
        await WritePendingAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
        _completed = true;
    }

    /// <summary>Frees the encoder without finishing the .xz stream, after the input failed.</summary>
    internal void Abandon()
    {
        _faulted = true;
        Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                if (!_faulted && !_completed)
                {
                    await CompleteAsync(CancellationToken.None);
                }
            }
            finally
            {
                Release();
                if (!_leaveOpen)
                {
                    await _output.DisposeAsync();
                }
            }
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            try
            {
                if (!_faulted && !_completed)
                {
                    Complete();
                }
            }
            finally
            {
                Release();
                if (!_leaveOpen)
                {
                    _output.Dispose();
                }
            }
        }

        base.Dispose(disposing);
    }

    private bool OutputFull => _pending == _buffer.Length;

    private void Complete()
    {
        Start();
        while (true)
        {
            if (OutputFull)
            {
                WritePending();
            }

            if (Encode(default, LzmaAction.Finish, out _) == LzmaReturn.StreamEnd)
            {
                break;
            }
        }

        _lzma!.Dispose();
        WritePending();
        _output.Flush();
        _completed = true;
    }

    /// <summary>Reserves memory for the threads and starts the encoder, once; blocks while the budget has no room.</summary>
    private void Start()
    {
        if (_lzma is null)
        {
            var budget = _settings.MemoryBudget ?? XzMemoryBudget.Shared;
            Started(budget.Reserve(_settings.MaxThreads, _settings.EncoderMemoryUsage));
        }
    }

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        if (_lzma is null)
        {
            var budget = _settings.MemoryBudget ?? XzMemoryBudget.Shared;
            Started(await budget.ReserveAsync(_settings.MaxThreads, _settings.EncoderMemoryUsage, cancellationToken));
        }
    }

    private void Started(XzMemoryReservation reservation)
    {
        try
        {
            _lzma = LzmaHandle.CreateEncoder(_settings, reservation.Threads, reservation);
        }
        catch
        {
            reservation.Release();
            throw;
        }

        Threads = reservation.Threads;
    }

    private LzmaReturn Encode(ReadOnlySpan<byte> input, LzmaAction action, out int consumed)
    {
        var code = _lzma!.Code(input, _buffer.AsSpan(_pending), action, out consumed, out var produced);
        _pending += produced;
        if (code is not (LzmaReturn.Ok or LzmaReturn.StreamEnd))
        {
            _faulted = true;
            throw LzmaErrors.ForEncoder(code);
        }

        return code;
    }

    private void WritePending()
    {
        if (_pending > 0)
        {
            try
            {
                _output.Write(_buffer, 0, _pending);
            }
            catch
            {
                _faulted = true;
                throw;
            }

            _pending = 0;
        }
    }

    private async ValueTask WritePendingAsync(CancellationToken cancellationToken)
    {
        if (_pending > 0)
        {
            try
            {
                await _output.WriteAsync(_buffer.AsMemory(0, _pending), cancellationToken);
            }
            catch
            {
                _faulted = true;
                throw;
            }

            _pending = 0;
        }
    }

    private void Release()
    {
        _lzma?.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
