using System.Formats.Tar;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>The delta tests lean on RootfsBuilder, so its promises are checked here.</summary>
public sealed class RootfsBuilderTests
{
    public sealed class Build
    {
        [Fact]
        public void GivesTheSameTarForTheSameSeed()
        {
            Assert.Equal(new RootfsBuilder(3).WithEntries(500).Build().ToTar(), new RootfsBuilder(3).WithEntries(500).Build().ToTar());
            Assert.NotEqual(new RootfsBuilder(3).WithEntries(500).Build().ToTar(), new RootfsBuilder(4).WithEntries(500).Build().ToTar());
        }

        [Fact]
        public void HoldsEveryKindOfEntryARootFileSystemHas()
        {
            var tree = new RootfsBuilder(8).WithEntries(3000).WithTotalSize(4 << 20).WithMaxFileSize(300 << 10).Build();

            var files = tree.OfType(TarEntryType.RegularFile).ToList();
            var symlinks = tree.OfType(TarEntryType.SymbolicLink).ToList();
            Assert.InRange(tree.Entries.Count, 3000, 3010);
            Assert.InRange(files.Sum(file => file.Content.Length), 2 << 20, 6 << 20);
            Assert.InRange(files.Max(file => file.Content.Length), 100 << 10, 300 << 10);
            Assert.Contains(files, file => file.Content.Length == 0);
            Assert.True(tree.OfType(TarEntryType.Directory).Count() > 100);
            Assert.True(tree.Entries.Max(entry => entry.Depth) >= 5);
            Assert.Contains(symlinks, link => link.LinkTarget!.StartsWith('/'));
            Assert.Contains(symlinks, link => link.LinkTarget!.StartsWith("../", StringComparison.Ordinal));
            Assert.True(tree.OfType(TarEntryType.HardLink).Count() > 50);
            Assert.NotEmpty(tree.OfType(TarEntryType.CharacterDevice));
            Assert.NotEmpty(tree.OfType(TarEntryType.BlockDevice));
            Assert.NotEmpty(tree.OfType(TarEntryType.Fifo));
            Assert.Contains(tree.Entries, entry => entry.Path.Length > 255);
            Assert.Contains(tree.Entries, entry => entry.Mode == RootfsEntry.Octal("4755"));
            Assert.Contains(tree.Entries, entry => entry.Mode == RootfsEntry.Octal("1777"));
            Assert.Equal([0, 33, 102, 1000], tree.Entries.Select(entry => entry.Uid).Distinct().Order());
        }

        [Fact]
        public void ReadsBackWhatItWritesAsGnuTar()
        {
            var tree = new RootfsBuilder(9).WithEntries(800).Build();

            var read = RootfsTree.ReadTar(new MemoryStream(tree.ToTar("./")));

            Assert.Equal(Describe(tree), Describe(read));
            Assert.Empty(read.Snapshot().Differences(tree.Snapshot()));
        }

        private static List<string> Describe(RootfsTree tree) =>
            tree.Entries.Select(entry => entry.Type == TarEntryType.HardLink
                ? $"{entry.Path} -> {entry.LinkTarget}"
                : $"{entry.Path} {entry.Type} {entry.Mode} {entry.Uid}:{entry.Gid} {entry.UserName}:{entry.GroupName} {entry.ModificationTime} {Convert.ToHexString(entry.Content)} {entry.LinkTarget} {entry.DeviceMajor},{entry.DeviceMinor}").ToList();
    }

    public sealed class NextBuild
    {
        [Fact]
        public void GivesTheSameTreeForTheSameSeed()
        {
            var tree = new RootfsBuilder(5).WithEntries(600).Build();

            Assert.Equal(tree.NextBuild(6, 0.2).ToTar(), tree.NextBuild(6, 0.2).ToTar());
        }

        [Fact]
        public void OnlyMovesMtimesWhenNothingIsToChange()
        {
            var tree = new RootfsBuilder(5).WithEntries(600).Build();

            var next = tree.NextBuild(6, 0);

            Assert.Empty(next.Snapshot().Differences(tree.Snapshot()));
            Assert.Contains(next.Entries, entry => entry.ModificationTime != tree[entry.Path].ModificationTime);
        }

        [Fact]
        public void ChangesContentsAndTypesAddsRemovesAndRetargets()
        {
            var tree = new RootfsBuilder(5).WithEntries(2000).Build();

            var next = tree.NextBuild(6, 0.1);

            var before = tree.Entries.ToDictionary(entry => entry.Path);
            var after = next.Entries.ToDictionary(entry => entry.Path);
            var common = before.Keys.Intersect(after.Keys).Select(path => (Before: before[path], After: after[path])).ToList();
            Assert.Contains(before.Keys, path => !after.ContainsKey(path));
            Assert.Contains(after.Keys, path => !before.ContainsKey(path));
            Assert.Contains(common, pair => pair.Before.Type == TarEntryType.RegularFile && pair.After.Type == TarEntryType.RegularFile && !pair.Before.Content.SequenceEqual(pair.After.Content));
            Assert.Contains(common, pair => pair.Before.Type == TarEntryType.RegularFile && pair.Before.Mode != pair.After.Mode);
            Assert.Contains(common, pair => pair.Before.Type == TarEntryType.RegularFile && pair.Before.Uid != pair.After.Uid);
            Assert.Contains(common, pair => pair.Before.Type == TarEntryType.SymbolicLink && pair.After.Type == TarEntryType.SymbolicLink && pair.Before.LinkTarget != pair.After.LinkTarget);
            Assert.Contains(common, pair => pair.Before.Type == TarEntryType.HardLink && pair.After.Type == TarEntryType.HardLink && pair.Before.LinkTarget != pair.After.LinkTarget);
            Assert.Contains(common, pair => (pair.Before.Type, pair.After.Type) == (TarEntryType.RegularFile, TarEntryType.Directory));
            Assert.Contains(common, pair => (pair.Before.Type, pair.After.Type) == (TarEntryType.Directory, TarEntryType.SymbolicLink));
            Assert.Contains(common, pair => (pair.Before.Type, pair.After.Type) == (TarEntryType.SymbolicLink, TarEntryType.RegularFile));
            Assert.Contains(common, pair => (pair.Before.Type, pair.After.Type) == (TarEntryType.Directory, TarEntryType.RegularFile));
        }
    }
}
