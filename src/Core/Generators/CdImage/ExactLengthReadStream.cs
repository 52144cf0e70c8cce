using SystemImage.Core.Storage;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// A tar entry's data as <see cref="System.Formats.Tar.TarReader"/> gives it, which just ends early when the archive is
/// truncated: this one throws <see cref="InvalidDataException"/> instead, so a truncated entry is never copied short.
/// </summary>
internal sealed class ExactLengthReadStream(Stream inner, long length, string entryName) : ReadOnlyWrapperStream
{
    private long _read;

    public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken), buffer.Length);

    private int Counted(int read, int requested)
    {
        _read += read;
        if (read == 0 && requested > 0 && _read < length)
        {
            throw new InvalidDataException($"the tar archive ends after {_read} of the {length} data bytes of '{entryName}'");
        }

        return read;
    }
}
