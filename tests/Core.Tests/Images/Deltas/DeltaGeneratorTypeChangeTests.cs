using System.Formats.Tar;
using Xunit;
using static SystemImage.TestUtilities.Rootfs.RootfsEntry;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaGeneratorTypeChangeTests
{
    public sealed class Write
    {
        [Fact]
        public void TurnsAFileIntoADirectoryWithChildren()
        {
            var source = SampleTrees.Base();
            var target = source.With(Directory("etc/hostname"), File("etc/hostname/short", "phone\n"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["etc/hostname", "etc/hostname/short"], run.Names);
            Assert.Equal(["etc/hostname"], run.Removed);
        }

        [Fact]
        public void TurnsADirectoryIntoASymlink()
        {
            var source = SampleTrees.Base();
            var target = source.Without("usr/share/doc/pkg/examples").With(Symlink("usr/share/doc/pkg/examples", "/usr/share/examples"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal([("usr/share/doc/pkg/examples", TarEntryType.SymbolicLink)], run.Entries.Select(entry => (entry.Name, entry.Type)));
            Assert.Equal(["usr/share/doc/pkg/examples/one.txt", "usr/share/doc/pkg/examples"], run.Removed);
        }

        [Fact]
        public void TurnsASymlinkIntoAFile()
        {
            var source = SampleTrees.Base();
            var target = source.With(File("usr/lib/python", "not a link"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal([("usr/lib/python", TarEntryType.RegularFile)], run.Entries.Select(entry => (entry.Name, entry.Type)));
            Assert.Equal(["usr/lib/python"], run.Removed);
        }

        [Fact]
        public void TurnsADirectoryWithChildrenIntoAFile()
        {
            var source = SampleTrees.Base();
            var target = source.Without("usr/share/doc/pkg").With(File("usr/share/doc/pkg", "flattened"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/share/doc/pkg"], run.Names);
            Assert.Equal(
                ["usr/share/doc/pkg/examples/one.txt", "usr/share/doc/pkg/examples", "usr/share/doc/pkg/changelog", "usr/share/doc/pkg"],
                run.Removed);
        }

        [Fact]
        public void TurnsAFileIntoAFifoAndADeviceIntoAFile()
        {
            var source = SampleTrees.Base();
            var target = source.With(Fifo("etc/hostname"), File("dev/null", "gone"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["etc/hostname", "dev/null"], run.Names);
            Assert.Equal(["etc/hostname", "dev/null"], run.Removed);
        }
    }
}
