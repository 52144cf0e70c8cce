using System.Formats.Tar;
using Xunit;
using static SystemImage.TestUtilities.Rootfs.RootfsEntry;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaGeneratorHardLinkTests
{
    public sealed class Write
    {
        [Fact]
        public void CarriesAHardLinkWhoseFileChangedAfterTheFile()
        {
            var source = SampleTrees.Linked();
            var target = source.With(File("usr/bin/tool", "#!/bin/sh\necho tool 2\n", "755"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/bin/tool", "usr/bin/tool-alias"], run.Names);
            Assert.Equal(("usr/bin/tool", TarEntryType.HardLink), (run.Entries[1].LinkName, run.Entries[1].Type));
            Assert.Equal(["usr/bin/tool-alias", "usr/bin/tool"], run.Removed);
        }

        [Fact]
        public void CarriesAnUnchangedHardLinkAndItsUnchangedFileFirst()
        {
            var source = SampleTrees.Linked();
            var target = source.TouchedAt(SampleTrees.Later);

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/bin/tool", "usr/bin/tool-alias"], run.Names);
            Assert.Equal(["usr/bin/tool-alias", "usr/bin/tool"], run.Removed);
            Assert.Equal(new DeltaStatsCounts(0, 0, 2), DeltaStatsCounts.Of(run));
        }

        [Fact]
        public void FollowsAHardLinkRetargetedToAnotherFile()
        {
            var source = SampleTrees.Linked();
            var target = source.With(HardLink("usr/bin/tool-alias", "usr/bin/other"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/bin/other", "usr/bin/tool-alias"], run.Names);
            Assert.Equal("usr/bin/other", run.Entries[1].LinkName);
        }

        [Fact]
        public void CarriesAFileThatBecameAHardLinkAndTheFileItNames()
        {
            var source = SampleTrees.Linked().With(File("usr/bin/copy", "#!/bin/sh\necho tool\n", "755"));
            var target = source.With(HardLink("usr/bin/copy", "usr/bin/tool"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/bin/tool", "usr/bin/tool-alias", "usr/bin/copy"], run.Names);
        }

        [Fact]
        public void CarriesAHardLinkThatBecameAFileWithTheSameContent()
        {
            var source = SampleTrees.Linked();
            var target = source.With(File("usr/bin/tool-alias", "#!/bin/sh\necho tool\n", "755"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(["usr/bin/tool-alias"], run.Names);
            Assert.Equal(TarEntryType.RegularFile, run.Entries[0].Type);
        }

        [Fact]
        public void WritesTheFileOfEveryLinkInAChainOfHardLinks()
        {
            var links = new MemoryStream();
            using (var writer = new TarWriter(links, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "a") { DataStream = new MemoryStream([1, 2]) });
                writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "b") { LinkName = "a" });
                writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "c") { LinkName = "b" });
            }

            var run = DeltaRun.Generate(links.ToArray(), links.ToArray());

            Assert.Equal(["a", "b", "c"], run.Names);
        }

        [Fact]
        public void RejectsAHardLinkToAPathThatIsNotAnEarlierEntry()
        {
            var source = SampleTrees.Linked().ToTar();
            var bad = new MemoryStream();
            using (var writer = new TarWriter(bad, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "early") { LinkName = "late" });
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "late"));
            }

            var error = Assert.Throws<InvalidDataException>(() => DeltaRun.Generate(source, bad.ToArray()));

            Assert.Contains("'early' points to 'late'", error.Message);
        }
    }
}
