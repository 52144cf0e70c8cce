using System.Formats.Tar;
using SystemImage.TestUtilities.Rootfs;
using Xunit;
using static SystemImage.TestUtilities.Rootfs.RootfsEntry;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaGeneratorTests
{
    public sealed class Files
    {
        [Fact]
        public void CarriesAndListsAFileWhoseContentChanged()
        {
            var source = SampleTrees.Base();
            var target = source.With(File("etc/hostname", "tablet\n"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["etc/hostname"], run.Names);
            Assert.Equal(["etc/hostname"], run.Removed);
            Assert.Equal(new DeltaStatsCounts(0, 0, 1), DeltaStatsCounts.Of(run));
        }

        [Fact]
        public void LeavesOutAFileWhoseOnlyChangeIsItsMtime()
        {
            var source = SampleTrees.Base();
            var target = source.With(source["usr/lib/libx.so.1"] with { ModificationTime = SampleTrees.Later });

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Empty(run.Entries);
            Assert.Empty(run.Removed);
        }

        [Fact]
        public void CarriesAFileWhoseModeOrOwnerChanged()
        {
            var source = SampleTrees.Base();
            var target = source.With(
                source["usr/bin/other"] with { Mode = Octal("755") },
                source["etc/shadow"].OwnedBy(0, 0, "root", "root"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["etc/shadow", "usr/bin/other"], run.Names.Order());
        }

        [Fact]
        public void CarriesAFileWhoseSizeChangedButWhoseStartDidNot()
        {
            var source = SampleTrees.Base();
            var target = source.With(File("usr/share/doc/README", "read me\nplease\n"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/share/doc/README"], run.Names);
        }
    }

    public sealed class Directories
    {
        [Fact]
        public void LeavesOutADirectoryWhoseOnlyChangeIsItsMtime()
        {
            var source = SampleTrees.Base();
            var target = source.With(source["usr/share/doc"] with { ModificationTime = SampleTrees.Later });

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Empty(run.Entries);
        }

        [Fact]
        public void UpdatesADirectoryWhoseModeChangedWithoutListingItSoItsChildrenStay()
        {
            var source = SampleTrees.Base();
            var target = source.With(source["usr/share/doc"] with { Mode = Octal("750") });

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/share/doc"], run.Names);
            Assert.Empty(run.Removed);
        }

        [Fact]
        public void RemovesAWholeDirectoryTreeListingChildrenBeforeParents()
        {
            var source = SampleTrees.Base();
            var target = source.Without("usr/share/doc/pkg");

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Empty(run.Entries);
            Assert.Equal(
                ["usr/share/doc/pkg/examples/one.txt", "usr/share/doc/pkg/examples", "usr/share/doc/pkg/changelog", "usr/share/doc/pkg"],
                run.Removed);
            Assert.Equal(4, run.Stats.Removed);
        }

        [Fact]
        public void RemovesADeletedFileAndAddsANewOne()
        {
            var source = SampleTrees.Base();
            var target = source.Without("etc/hostname").With(File("etc/machine-id", "0123\n"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["etc/machine-id"], run.Names);
            Assert.Equal(["etc/hostname"], run.Removed);
            Assert.Equal(new DeltaStatsCounts(1, 1, 0), DeltaStatsCounts.Of(run));
        }

        [Fact]
        public void KeepsADirectoryThatTheTargetOnlyImpliesThroughItsChildren()
        {
            var source = SampleTrees.Base();
            var target = SampleTrees.TarWithout(source, "usr/share/doc/pkg");

            var run = DeltaRun.Generate(source.ToTar(), target);

            Assert.Empty(run.Entries);
            Assert.Empty(run.Removed);
            run.AssertTurns(source.ToTar(), target);
        }

        [Fact]
        public void RemovesADirectoryThatTheSourceOnlyImpliedWhenTheTargetMakesItAFile()
        {
            var source = SampleTrees.TarWithout(SampleTrees.Base(), "usr/share/doc/pkg", "usr/share/doc/pkg/examples");
            var target = SampleTrees.Base().Without("usr/share/doc/pkg").With(File("usr/share/doc/pkg", "flat")).ToTar();

            var run = DeltaRun.Generate(source, target);

            Assert.Equal(["usr/share/doc/pkg"], run.Names);
            Assert.Equal(
                ["usr/share/doc/pkg/examples/one.txt", "usr/share/doc/pkg/examples", "usr/share/doc/pkg/changelog", "usr/share/doc/pkg"],
                run.Removed);
            run.AssertTurns(source, target);
        }

        [Fact]
        public void RemovesADirectoryThatTheSourceOnlyImpliedWhenTheTargetDropsIt()
        {
            var source = SampleTrees.TarWithout(SampleTrees.Base(), "usr/share/doc/pkg/examples");
            var target = SampleTrees.Base().Without("usr/share/doc/pkg/examples").ToTar();

            var run = DeltaRun.Generate(source, target);

            Assert.Empty(run.Entries);
            Assert.Equal(["usr/share/doc/pkg/examples/one.txt", "usr/share/doc/pkg/examples"], run.Removed);
            Assert.Equal(2, run.Stats.Removed);
            run.AssertTurns(source, target);
        }
    }

    public sealed class Symlinks
    {
        [Fact]
        public void CarriesAndListsARetargetedSymlink()
        {
            var source = SampleTrees.Base();
            var target = source.With(Symlink("usr/lib/libx.so", "libx.so.2"), File("usr/lib/libx.so.2", "two"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/lib/libx.so", "usr/lib/libx.so.2"], run.Names);
            Assert.Equal("libx.so.2", run.Entries[0].LinkName);
            Assert.Equal(["usr/lib/libx.so"], run.Removed);
        }

        [Fact]
        public void LeavesOutSymlinksAndEverythingElseWhenOnlyMtimesMoved()
        {
            var source = SampleTrees.Base();
            var target = source.TouchedAt(SampleTrees.Later);

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Empty(run.Entries);
            Assert.Empty(run.Removed);
        }
    }

    public sealed class SpecialFiles
    {
        [Fact]
        public void CarriesADeviceWhoseNumbersChanged()
        {
            var source = SampleTrees.Base();
            var target = source.With(Device("dev/loop0", TarEntryType.BlockDevice, 7, 1), Device("dev/null", TarEntryType.CharacterDevice, 2, 3));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["dev/null", "dev/loop0"], run.Names);
            Assert.Equal(["dev/null", "dev/loop0"], run.Removed);
        }

        [Fact]
        public void AddsAndRemovesFifos()
        {
            var source = SampleTrees.Base();
            var target = source.Without("dev/initctl").With(Fifo("tmp/.pipe"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal([("tmp/.pipe", TarEntryType.Fifo)], run.Entries.Select(entry => (entry.Name, entry.Type)));
            Assert.Equal(["dev/initctl"], run.Removed);
        }
    }

    public sealed class LongNames
    {
        private static readonly string Directory101 = "usr/share/" + new string('d', 91);
        private static readonly string File300 = Directory101 + "/" + new string('f', 198);

        [Fact]
        public void AddsNamesAndLinksLongerThan100And255Characters()
        {
            var source = SampleTrees.Base();
            var target = source.With(
                Directory(Directory101),
                File(File300, "long"),
                HardLink("usr/bin/" + new string('h', 120), File300),
                Symlink("usr/bin/" + new string('s', 120), "/" + File300));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal([Directory101, File300, "usr/bin/" + new string('h', 120), "usr/bin/" + new string('s', 120)], run.Names);
            Assert.True(File300.Length > 255);
        }

        [Fact]
        public void ChangesAndRemovesNamesLongerThan255Characters()
        {
            var source = SampleTrees.Base().With(Directory(Directory101), File(File300, "long"), File(File300 + "2", "gone"));
            var target = source.With(File(File300, "longer")).Without(File300 + "2");

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal([File300], run.Names);
            Assert.Equal([File300 + "2", File300], run.Removed);
        }
    }
}
