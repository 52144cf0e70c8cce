using System.Formats.Tar;
using System.Text;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>Makes new entries, contents, modes and owners for a <see cref="RootfsDraft"/>.</summary>
internal sealed class RootfsGenerator(Random random, RootfsDraft draft, RootfsSizes sizes, DateTimeOffset time)
{
    private static readonly (int Weight, int Uid, int Gid, string User, string Group)[] Owners =
    [
        (80, 0, 0, "root", "root"), (9, 1000, 1000, "phablet", "phablet"), (5, 33, 33, "www-data", "www-data"),
        (3, 0, 42, "root", "shadow"), (3, 102, 104, "messagebus", "messagebus"),
    ];

    private static readonly (int Weight, string Mode)[] FileModes =
        [(70, "644"), (17, "755"), (5, "600"), (3, "444"), (2, "4755"), (1, "2755"), (2, "640")];

    private static readonly (int Weight, string Mode)[] DirectoryModes = [(85, "755"), (5, "700"), (3, "1777"), (4, "2775"), (3, "750")];

    public Random Random => random;

    public RootfsEntry File(string parent) => Owned(new RootfsEntry(draft.NewPath(parent, RootfsNames.FileName(random)), TarEntryType.RegularFile)
    {
        Mode = RootfsEntry.Octal(Weighted(FileModes)),
        Content = Content(),
    });

    public RootfsEntry Directory(string parent) => Owned(new RootfsEntry(draft.NewPath(parent, RootfsNames.DirectoryName(random)), TarEntryType.Directory)
    {
        Mode = RootfsEntry.Octal(Weighted(DirectoryModes)),
    });

    public RootfsEntry LongFile(string parent) => Owned(new RootfsEntry(draft.NewPath(parent, RootfsNames.LongName(random, random.Next(101, 200)) + ".txt"), TarEntryType.RegularFile)
    {
        Content = Content(),
    });

    public RootfsEntry LongDirectory(string parent) =>
        Owned(new RootfsEntry(draft.NewPath(parent, RootfsNames.LongName(random, random.Next(100, 160))), TarEntryType.Directory));

    public RootfsEntry Symlink(string parent)
    {
        var path = draft.NewPath(parent, RootfsNames.FileName(random));
        return new RootfsEntry(path, TarEntryType.SymbolicLink) { Mode = RootfsEntry.Octal("777"), LinkTarget = SymlinkTarget(path), ModificationTime = time };
    }

    public RootfsEntry HardLink(string parent, RootfsEntry file) =>
        new(draft.NewPath(parent, RootfsNames.FileName(random)), TarEntryType.HardLink) { LinkTarget = file.Path, ModificationTime = time };

    public RootfsEntry Special(string parent)
    {
        var name = RootfsNames.Word(random) + random.Next(16);
        return random.Next(3) switch
        {
            0 => RootfsEntry.Device(draft.NewPath(parent, name), TarEntryType.CharacterDevice, random.Next(1, 254), random.Next(256)) with { ModificationTime = time },
            1 => RootfsEntry.Device(draft.NewPath(parent, name), TarEntryType.BlockDevice, random.Next(1, 254), random.Next(256)) with { ModificationTime = time },
            _ => RootfsEntry.Fifo(draft.NewPath(parent, name)) with { ModificationTime = time },
        };
    }

    /// <summary>A relative sibling, a relative path up and over, an absolute path, or a dangling or long target.</summary>
    public string SymlinkTarget(string linkPath)
    {
        var other = draft.Pick(entry => entry.Path != linkPath) ?? RootfsEntry.Directory("etc");
        var depth = linkPath.Count(c => c == '/');
        return random.Next(10) switch
        {
            < 3 => other.Path[(other.Path.LastIndexOf('/') + 1)..],
            < 6 => string.Concat(Enumerable.Repeat("../", depth)) + other.Path,
            < 9 => "/" + other.Path,
            _ => "/opt/" + RootfsNames.LongName(random, random.Next(20, 180)),
        };
    }

    public RootfsEntry Owned(RootfsEntry entry)
    {
        var owner = Owners[WeightedIndex(Owners.Select(o => o.Weight).ToArray())];
        return entry.OwnedBy(owner.Uid, owner.Gid, owner.User, owner.Group) with { ModificationTime = time };
    }

    public UnixFileMode OtherFileMode(UnixFileMode current)
    {
        var mode = RootfsEntry.Octal(Weighted(FileModes));
        return mode == current ? current ^ UnixFileMode.GroupWrite : mode;
    }

    /// <summary>Lines of words (three in five) or random bytes, sized by <see cref="RootfsSizes"/>.</summary>
    public byte[] Content() => Content(sizes.Next(random));

    public byte[] Content(int size)
    {
        var bytes = new byte[size];
        if (random.Next(5) >= 3)
        {
            random.NextBytes(bytes);
            return bytes;
        }

        var text = new StringBuilder(size + 16);
        while (text.Length < size)
        {
            text.Append(RootfsNames.Word(random)).Append(random.Next(8) == 0 ? '\n' : ' ');
        }

        Encoding.ASCII.GetBytes(text.ToString(0, size), bytes);
        return bytes;
    }

    /// <summary>Edits, appends to or truncates <paramref name="content"/>; the result always differs.</summary>
    public byte[] Changed(byte[] content)
    {
        var result = content.Length == 0 || random.Next(4) == 0
            ? [.. content, .. Content(random.Next(1, 4096))]
            : random.Next(3) == 0
                ? content[..random.Next(content.Length)]
                : Overwritten(content);
        return result.AsSpan().SequenceEqual(content) ? [.. content, (byte)'\n'] : result;
    }

    private byte[] Overwritten(byte[] content)
    {
        var result = (byte[])content.Clone();
        var start = random.Next(result.Length);
        var patch = Content(Math.Min(result.Length - start, random.Next(1, 512)));
        patch.CopyTo(result, start);
        return result;
    }

    private string Weighted((int Weight, string Mode)[] choices) => choices[WeightedIndex(choices.Select(c => c.Weight).ToArray())].Mode;

    private int WeightedIndex(int[] weights)
    {
        var pick = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if ((pick -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
