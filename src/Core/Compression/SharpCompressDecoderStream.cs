using SharpCompress.Common;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Compression;

/// <summary>
/// Read-only stream over one of SharpCompress's decoders (<see cref="ZstdDecoderStream"/>, <see cref="Bzip2DecoderStream"/>)
/// that fails on bad input the way <see cref="GzipDecoderStream"/> does: input that is empty, truncated, corrupt or
/// followed by anything but more compressed data throws <see cref="InvalidDataException"/>, its message naming the
/// format and the compressed byte it got to. A failure of the input itself (a disk error, a cancellation) is rethrown
/// as it was, so it is never taken for bad data. A decoder is made on the first read, because making one already
/// reads the input, and again for each further stream when the format's decoder stops after one
/// (<see cref="StartsAnotherStream"/>). Not thread-safe.
/// </summary>
public abstract class SharpCompressDecoderStream : ReadOnlyWrapperStream
{
    /// <summary>Bytes looked at after a decoder's end, to tell another stream from trailing data.</summary>
    private const int PeekSize = 4;

    private readonly DecoderInput _input;
    private readonly bool _leaveOpen;
    private Stream? _decoder;
    private bool _ended;
    private bool _disposed;

    /// <param name="input">Supplies the compressed bytes; it is read to its end.</param>
    /// <param name="leaveOpen">Leave <paramref name="input"/> open when this stream is disposed.</param>
    protected SharpCompressDecoderStream(Stream input, bool leaveOpen)
    {
        if (!input.CanRead)
        {
            throw new ArgumentException("The input stream must be readable.", nameof(input));
        }

        _input = new DecoderInput(input);
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => !_disposed;

    /// <summary>The format's name in messages, such as <c>zstd</c>.</summary>
    protected abstract string FormatName { get; }

    /// <summary>
    /// True (default) when <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> awaits the decoder's own async path;
    /// false to run its synchronous one instead, for a decoder whose async path costs more than it saves.
    /// </summary>
    protected virtual bool DecodesAsynchronously => true;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        while (true)
        {
            int read;
            try
            {
                _decoder ??= CreateDecoder(_input);
                read = _decoder.Read(buffer);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                throw BadInputOrRethrow(e);
            }

            if (read > 0 || !GoesOn(_input.Peek(PeekSize)))
            {
                return read;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (!DecodesAsynchronously)
        {
            return Read(buffer.Span);
        }

        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        while (true)
        {
            int read;
            try
            {
                _decoder ??= CreateDecoder(_input);
                read = await _decoder.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                throw BadInputOrRethrow(e);
            }

            if (read > 0)
            {
                return read;
            }

            await _input.PeekAsync(PeekSize, cancellationToken);
            if (!GoesOn(_input.Peeked(PeekSize)))
            {
                return 0;
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _decoder?.Dispose();
            _input.Release();
            if (!_leaveOpen)
            {
                await _input.Inner.DisposeAsync();
            }
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes SharpCompress's decoder over <paramref name="input"/>; it must leave <paramref name="input"/> open.</summary>
    protected abstract Stream CreateDecoder(Stream input);

    /// <summary>A clearer message than the decoder's for <paramref name="error"/>, or null to say "corrupt" with the decoder's words.</summary>
    protected virtual string? ExplainOrNull(Exception error) => null;

    /// <summary>
    /// True when <paramref name="next"/>, the first bytes after the stream a decoder has ended, start another stream
    /// for a new decoder. False (default) for a decoder that reads every stream itself, so anything after is refused.
    /// </summary>
    protected virtual bool StartsAnotherStream(ReadOnlySpan<byte> next) => false;

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _decoder?.Dispose();
            _input.Release();
            if (!_leaveOpen)
            {
                _input.Inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// After the decoder's end: true when <paramref name="next"/> starts another stream (a new decoder takes it), false
    /// at the end of the input. Throws for no data at all, or for anything else after the data.
    /// </summary>
    private bool GoesOn(ReadOnlySpan<byte> next)
    {
        if (_input.Served == 0)
        {
            throw Empty();
        }

        if (next.IsEmpty)
        {
            _ended = true;
            return false;
        }

        if (!StartsAnotherStream(next))
        {
            throw new InvalidDataException($"The {FormatName} file has unexpected data after the end of its compressed stream, at byte {_input.Served}.");
        }

        _decoder?.Dispose();
        _decoder = null;
        return true;
    }

    private InvalidDataException Empty() => new($"The input is empty, not a {FormatName} file.");

    private Exception BadInputOrRethrow(Exception error)
    {
        // What the input threw is the input's failure, whatever the decoder made of it (bzip2 calls an IOException a
        // cut-off file).
        _input.Failure?.Throw();
        var offset = _input.Served;
        if (offset == 0 && _input.Ended)
        {
            return Empty();
        }

        // zstd says IncompleteArchiveException; SharpCompress's bzip2 says ArchiveOperationException both for a bad CRC
        // and for a cut-off stream, so whether the decoder asked for bytes past the end tells the two apart.
        if (error is IncompleteArchiveException || (error is ArchiveOperationException && _input.Ended))
        {
            return new InvalidDataException(
                $"The {FormatName} data is truncated: the input ended after {offset} bytes, before the end of the compressed stream.", error);
        }

        var reason = ExplainOrNull(error) ?? error.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return new InvalidDataException($"The {FormatName} data is corrupt near compressed byte {offset}: {reason}.", error);
    }
}
