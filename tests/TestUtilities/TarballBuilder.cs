using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace SystemImage.TestUtilities;

/// <summary>
/// Builds tar archives in memory with <see cref="TarWriter"/>, including ones no well-behaved tool would write
/// (absolute names, <c>..</c> segments, huge PAX records), e.g. <c>new TarballBuilder().WithFile("a", "x").Build()</c>.
/// </summary>
public sealed class TarballBuilder
{
    private readonly List<Func<TarEntryFormat, TarEntry>> _entries = [];
    private TarEntryFormat _format = TarEntryFormat.Gnu;

    /// <summary>Writes POSIX pax headers instead of GNU ones (names over 100 characters become PAX records).</summary>
    public TarballBuilder InPaxFormat()
    {
        _format = TarEntryFormat.Pax;
        return this;
    }

    public TarballBuilder WithFile(string name, string content) => WithFile(name, Encoding.UTF8.GetBytes(content));

    public TarballBuilder WithFile(string name, byte[] content) => Add(format =>
    {
        var entry = Create(format, TarEntryType.RegularFile, name);
        entry.DataStream = new MemoryStream(content);
        return entry;
    });

    public TarballBuilder WithDirectory(string name) => Add(format => Create(format, TarEntryType.Directory, name));

    public TarballBuilder WithHardLink(string name, string target) => Add(format =>
    {
        var entry = Create(format, TarEntryType.HardLink, name);
        entry.LinkName = target;
        return entry;
    });

    public TarballBuilder WithSymbolicLink(string name, string target) => Add(format =>
    {
        var entry = Create(format, TarEntryType.SymbolicLink, name);
        entry.LinkName = target;
        return entry;
    });

    /// <summary>A PAX entry whose extended header carries <paramref name="attributes"/>; always PAX, whatever the format.</summary>
    public TarballBuilder WithPaxAttributes(string name, IReadOnlyDictionary<string, string> attributes) =>
        Add(_ => new PaxTarEntry(TarEntryType.RegularFile, name, attributes));

    /// <summary>The archive, ending with the two zero blocks of the end-of-archive marker.</summary>
    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, _format, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                writer.WriteEntry(entry(_format));
            }
        }

        return output.ToArray();
    }

    /// <summary>The archive, gzip-compressed.</summary>
    public byte[] BuildGzip()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Build());
        }

        return output.ToArray();
    }

    private TarballBuilder Add(Func<TarEntryFormat, TarEntry> entry)
    {
        _entries.Add(entry);
        return this;
    }

    private static TarEntry Create(TarEntryFormat format, TarEntryType type, string name) => format == TarEntryFormat.Pax
        ? new PaxTarEntry(type, name)
        : new GnuTarEntry(type, name);
}
