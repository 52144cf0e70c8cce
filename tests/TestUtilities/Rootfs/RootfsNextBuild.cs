using System.Formats.Tar;

namespace SystemImage.TestUtilities.Rootfs;

/// <summary>Derives the next build of a tree; see <see cref="RootfsTree.NextBuild"/>.</summary>
internal sealed class RootfsNextBuild
{
    private readonly Random _random;
    private readonly double _share;
    private readonly RootfsDraft _draft;
    private readonly RootfsGenerator _generator;
    private readonly DateTimeOffset _time;
    private readonly Dictionary<string, RootfsEntry> _lostFiles = new(StringComparer.Ordinal);

    private RootfsNextBuild(RootfsTree tree, int seed, double share)
    {
        _random = new Random(seed);
        _share = share;
        _draft = new RootfsDraft(_random, tree.Entries);
        _time = tree.Entries.Max(entry => entry.ModificationTime).AddDays(1);
        var files = tree.Entries.Where(entry => entry.Type == TarEntryType.RegularFile).ToList();
        var average = files.Count == 0 ? 1024 : files.Average(file => file.Content.Length);
        var sizes = new RootfsSizes(average, Math.Max(1, files.Select(file => file.Content.Length).DefaultIfEmpty(0).Max()), 0.005);
        _generator = new RootfsGenerator(_random, _draft, sizes, _time);
    }

    public static RootfsTree Create(RootfsTree tree, int seed, double share)
    {
        var build = new RootfsNextBuild(tree, seed, share);
        build.Touch();
        build.Modify();
        build.ChangeTypes();
        build.RemoveSome();
        build.AddSome();
        build._draft.RepairHardLinks(build._lostFiles);
        return build._draft.ToTree();
    }

    private int Share(double divisor) => (int)Math.Round(_share * _draft.Count / divisor);

    private bool Chance(double probability) => _random.NextDouble() < probability;

    /// <summary>A new build rebuilds everything, so many mtimes move even where nothing else does.</summary>
    private void Touch()
    {
        for (var i = 0; i < _draft.Count; i++)
        {
            if (Chance(0.5))
            {
                _draft.Entries[i] = _draft.Entries[i] with { ModificationTime = _time };
            }
        }
    }

    private void Modify()
    {
        for (var i = 0; i < _draft.Count; i++)
        {
            var entry = _draft.Entries[i];
            _draft.Entries[i] = entry.Type switch
            {
                TarEntryType.RegularFile when Chance(_share) => _random.Next(10) switch
                {
                    < 6 => entry with { Content = _generator.Changed(entry.Content) },
                    < 7 => entry with { Content = _generator.Changed(entry.Content), Mode = _generator.OtherFileMode(entry.Mode) },
                    < 8 => entry with { Mode = _generator.OtherFileMode(entry.Mode) },
                    _ => entry.Uid == 0 ? entry.OwnedBy(1000, 1000, "phablet", "phablet") : entry.OwnedBy(0, 0, "root", "root"),
                },
                TarEntryType.CharacterDevice or TarEntryType.BlockDevice when Chance(_share) => entry with { DeviceMinor = entry.DeviceMinor + 1 },
                TarEntryType.Directory when Chance(_share / 3) => entry with { Mode = entry.Mode ^ UnixFileMode.OtherExecute },
                TarEntryType.SymbolicLink when Chance(_share) => Retargeted(entry, _generator.SymlinkTarget(entry.Path) + "~"),
                TarEntryType.HardLink when Chance(_share) => Retargeted(entry, i),
                _ => entry,
            };
        }
    }

    /// <summary>
    /// The link pointing at <paramref name="target"/>; the usr-merge links stay as they are, as they do between real
    /// builds (the cdimage re-pack puts <c>system/lib/modules</c> below <c>lib</c>, which must lead inside the image).
    /// The target is drawn either way, so the rest of every seed's builds stays as it was.
    /// </summary>
    private static RootfsEntry Retargeted(RootfsEntry link, string target) =>
        RootfsBuilder.UsrMergeLinks.Contains(link.Path) ? link : link with { LinkTarget = target };

    private RootfsEntry Retargeted(RootfsEntry link, int index)
    {
        var files = _draft.Entries.Take(index).Where(entry => entry.Type == TarEntryType.RegularFile && entry.Path != link.LinkTarget).ToList();
        return files.Count == 0 ? link : link with { LinkTarget = files[_random.Next(files.Count)].Path };
    }

    /// <summary>At least one of each when anything changes: file → directory, directory → symlink, symlink → file, directory with children → file.</summary>
    private void ChangeTypes()
    {
        var count = _share > 0 ? Math.Max(1, Share(100)) : 0;
        for (var i = 0; i < count; i++)
        {
            if (_draft.Pick(entry => entry.Type == TarEntryType.RegularFile && entry.Depth > 1) is { } file)
            {
                Lose(file);
                _draft.Replace(_generator.Owned(RootfsEntry.Directory(file.Path)));
                _draft.InsertAfter(file.Path, _generator.File(file.Path));
            }

            if (PickDirectory(withChildren: _random.Next(2) == 0) is { } directory)
            {
                LoseBelow(directory.Path);
                _draft.Replace(RootfsEntry.Symlink(directory.Path, _generator.SymlinkTarget(directory.Path)) with { ModificationTime = _time });
            }

            if (_draft.Pick(entry => entry.Type == TarEntryType.SymbolicLink) is { } symlink)
            {
                var replacement = _generator.Owned(RootfsEntry.File(symlink.Path, _generator.Content()));
                if (!RootfsBuilder.UsrMergeLinks.Contains(symlink.Path))
                {
                    _draft.Replace(replacement);
                }
            }

            if (PickDirectory(withChildren: true) is { } parent)
            {
                LoseBelow(parent.Path);
                _draft.Replace(_generator.Owned(RootfsEntry.File(parent.Path, _generator.Content())));
            }
        }
    }

    private RootfsEntry? PickDirectory(bool withChildren) =>
        _draft.Pick(entry => entry.Type == TarEntryType.Directory && entry.Depth > 2
            && withChildren == _draft.Entries.Any(other => entry.Contains(other.Path)));

    private void RemoveSome()
    {
        for (var i = Share(8); i > 0; i--)
        {
            if (PickVictim() is { } victim)
            {
                Lose(victim);
                LoseBelow(victim.Path);
                _draft.Remove(victim.Path);
            }
        }
    }

    /// <summary>Any entry below the top two levels; whole directory trees too, but not ones so big that a few picks empty the tree.</summary>
    private RootfsEntry? PickVictim()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var victim = _draft.Pick(entry => entry.Depth > 2);
            if (victim is null || victim.Type != TarEntryType.Directory || _draft.Entries.Count(other => victim.Contains(other.Path)) <= 8)
            {
                return victim;
            }
        }

        return null;
    }

    private void AddSome()
    {
        for (var i = Share(6); i > 0; i--)
        {
            var parent = _draft.Pick(entry => entry.Type == TarEntryType.Directory && entry.Path != "dev")!.Path;
            var roll = _random.Next(100);
            var file = _draft.Pick(entry => entry.Type == TarEntryType.RegularFile);
            _draft.InsertAnywhere(roll switch
            {
                < 50 => _generator.File(parent),
                < 62 => _generator.Directory(parent),
                < 77 => _generator.Symlink(parent),
                < 90 when file is not null => _generator.HardLink(parent, file),
                < 95 => _generator.LongFile(parent),
                _ => _generator.Special(parent),
            });
        }
    }

    private void Lose(RootfsEntry entry)
    {
        if (entry.Type == TarEntryType.RegularFile)
        {
            _lostFiles[entry.Path] = entry;
        }
    }

    private void LoseBelow(string path)
    {
        foreach (var entry in _draft.Remove(path, self: false))
        {
            Lose(entry);
        }
    }
}
