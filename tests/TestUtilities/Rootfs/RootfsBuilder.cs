using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>
/// Builds a realistic, seeded root file system: a usr-merged skeleton, nested directories, text and binary files,
/// relative and absolute symlinks, hard links, devices, fifos, setuid files, sticky directories, several owners and
/// names longer than 100 and 255 characters. The same seed and settings always give the same tree.
/// </summary>
public sealed class RootfsBuilder(int seed)
{
    /// <summary>The usr-merge links of the skeleton, each to <c>usr/&lt;name&gt;</c>.</summary>
    public static readonly IReadOnlyList<string> UsrMergeLinks = ["bin", "sbin", "lib"];

    private int _entries = 2000;
    private long _totalSize = 4L << 20;
    private int _maxFileSize = 256 << 10;

    /// <summary>About how many entries the tree has (at least the skeleton's). Default 2000.</summary>
    public RootfsBuilder WithEntries(int count)
    {
        _entries = count;
        return this;
    }

    /// <summary>About how many bytes all files hold together. Default 4 MiB.</summary>
    public RootfsBuilder WithTotalSize(long bytes)
    {
        _totalSize = bytes;
        return this;
    }

    /// <summary>The largest file. Default 256 KiB.</summary>
    public RootfsBuilder WithMaxFileSize(int bytes)
    {
        _maxFileSize = bytes;
        return this;
    }

    public RootfsTree Build()
    {
        var random = new Random(seed);
        var draft = new RootfsDraft(random, []);
        var sizes = RootfsSizes.For(_totalSize, (int)(_entries * 0.62), _maxFileSize);
        var generator = new RootfsGenerator(random, draft, sizes, RootfsEntry.DefaultTime.AddDays(random.Next(365)));
        AddSkeleton(draft, generator);
        var directories = draft.Entries.Where(entry => entry.Type == TarEntryType.Directory && entry.Path != "dev").Select(entry => entry.Path).ToList();
        var files = new List<RootfsEntry>();
        while (draft.Count < _entries)
        {
            var parent = directories[random.Next(directories.Count)];
            var roll = random.Next(100);
            if (roll < 12 && parent.Count(c => c == '/') < 7)
            {
                var directory = generator.Directory(parent);
                draft.Append(directory);
                directories.Add(directory.Path);
            }
            else if (roll < 25)
            {
                draft.Append(generator.Symlink(parent));
            }
            else if (roll < 30 && files.Count > 0)
            {
                draft.Append(generator.HardLink(parent, files[random.Next(files.Count)]));
            }
            else if (roll < 31)
            {
                var directory = generator.LongDirectory(parent);
                draft.Append(directory);
                directories.Add(directory.Path);
                draft.Append(generator.LongFile(directory.Path));
            }
            else if (roll < 32)
            {
                draft.Append(generator.Special(random.Next(2) == 0 ? "dev" : parent));
            }
            else
            {
                var file = generator.File(parent);
                draft.Append(file);
                files.Add(file);
            }
        }

        return draft.ToTree();
    }

    private static void AddSkeleton(RootfsDraft draft, RootfsGenerator generator)
    {
        foreach (var path in RootfsNames.SkeletonDirectories)
        {
            var mode = path switch { "tmp" => "1777", "root" => "700", _ => "755" };
            var directory = RootfsEntry.Directory(path, mode) with { ModificationTime = RootfsEntry.DefaultTime };
            draft.Append(path.StartsWith("home/phablet", StringComparison.Ordinal) ? directory.OwnedBy(1000, 1000, "phablet", "phablet") : directory);
        }

        foreach (var link in UsrMergeLinks)
        {
            draft.Append(RootfsEntry.Symlink(link, "usr/" + link));
        }

        draft.Append(RootfsEntry.Device("dev/null", TarEntryType.CharacterDevice, 1, 3) with { Mode = RootfsEntry.Octal("666") });
        draft.Append(RootfsEntry.Device("dev/zero", TarEntryType.CharacterDevice, 1, 5) with { Mode = RootfsEntry.Octal("666") });
        draft.Append(RootfsEntry.Device("dev/loop0", TarEntryType.BlockDevice, 7, 0));
        draft.Append(RootfsEntry.Device("dev/mmcblk0", TarEntryType.BlockDevice, 179, 0));
        draft.Append(RootfsEntry.Fifo("run/initctl"));
        draft.Append(RootfsEntry.File("etc/hostname", "ubuntu-phablet\n"));
        draft.Append(RootfsEntry.File("etc/shadow", "root:*:17000:0:99999:7:::\n", "640").OwnedBy(0, 42, "root", "shadow"));
        draft.Append(generator.File("usr/bin") with { Mode = RootfsEntry.Octal("4755") });
    }
}
