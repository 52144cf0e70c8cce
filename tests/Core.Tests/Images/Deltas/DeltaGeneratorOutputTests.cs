using System.Formats.Tar;
using System.Security.Cryptography;
using SystemImage.Core.Compression;
using SystemImage.Core.Images.Deltas;
using SystemImage.TestUtilities.Rootfs;
using Xunit;
using static SystemImage.TestUtilities.Rootfs.RootfsEntry;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaGeneratorOutputTests
{
    public sealed class Write
    {
        [Fact]
        public void StartsWithTheRemovedListAsAFixedRegularFile()
        {
            var source = SampleTrees.Base();
            var target = source.Without("etc/hostname").Without("tmp").With(File("etc/shadow", "changed\n", "640"));

            var run = DeltaRun.RoundTrip(source, target);

            var removed = run.AllEntries[0];
            Assert.Equal((DeltaGenerator.RemovedListName, TarEntryType.RegularFile), (removed.Name, removed.Type));
            Assert.Equal((Octal("644"), 0, 0, DateTimeOffset.UnixEpoch), (removed.Mode, removed.Uid, removed.Gid, removed.ModificationTime));
            Assert.Equal("tmp\netc/shadow\netc/hostname\n", run.RemovedText);
        }

        [Fact]
        public void HoldsOnlyAnEmptyRemovedListForIdenticalTrees()
        {
            // Hard links are always carried, so the tree has none.
            var tree = new RootfsBuilder(5).WithEntries(400).WithTotalSize(200_000).Build();
            var withoutHardLinks = new RootfsTree(tree.Entries.Where(entry => entry.Type != TarEntryType.HardLink));

            var run = DeltaRun.RoundTrip(withoutHardLinks, withoutHardLinks);

            Assert.Equal([DeltaGenerator.RemovedListName], run.AllEntries.Select(entry => entry.Name));
            Assert.Empty(run.AllEntries[0].Content);
            Assert.Equal(new DeltaStats(0, 0, 0, withoutHardLinks.Entries.Count, 0), run.Stats);
        }

        [Fact]
        public void CopiesEveryFieldOfACarriedEntry()
        {
            var source = SampleTrees.Base();
            var file = File("home/phablet/notes", "secret", "4750").OwnedBy(1000, 33, "phablet", "www-data") with { ModificationTime = SampleTrees.Later };
            var target = source.With(file);

            var run = DeltaRun.RoundTrip(source, target);

            using var reader = new TarReader(new MemoryStream(run.Tar));
            reader.GetNextEntry();
            var copied = Assert.IsType<GnuTarEntry>(reader.GetNextEntry());
            Assert.Equal(
                ("home/phablet/notes", TarEntryType.RegularFile, Octal("4750"), 1000, 33, "phablet", "www-data", SampleTrees.Later, 6L),
                (copied.Name, copied.EntryType, copied.Mode, copied.Uid, copied.Gid, copied.UserName, copied.GroupName, copied.ModificationTime, copied.Length));
        }

        [Fact]
        public void IsByteForByteReproducible()
        {
            var source = new RootfsBuilder(11).WithEntries(800).WithTotalSize(1 << 20).Build();
            var target = source.NextBuild(12, 0.2);

            var first = DeltaRun.Generate(source, target);
            var second = DeltaRun.Generate(source, target);

            Assert.Equal(SHA256.HashData(first.Tar), SHA256.HashData(second.Tar));
        }

        [Fact]
        public void RoundTripsThroughXzBothWays()
        {
            var source = new RootfsBuilder(21).WithEntries(600).WithTotalSize(1 << 20).Build();
            var target = source.NextBuild(22, 0.1);
            var sourceXz = Compress(source.ToTar());
            var targetXz = Compress(target.ToTar());
            var opens = 0;

            using var deltaXz = new MemoryStream();
            using (var encoder = new XzEncoderStream(deltaXz, new XzSettings { Preset = 6, Threads = 2 }, leaveOpen: true))
            {
                new DeltaGenerator().Write(
                    () => new XzDecoderStream(new MemoryStream(sourceXz)),
                    () =>
                    {
                        opens++;
                        return new XzDecoderStream(new MemoryStream(targetXz));
                    },
                    encoder,
                    CancellationToken.None);
            }

            Assert.Equal(2, opens);
            deltaXz.Position = 0;
            using var decoder = new XzDecoderStream(deltaXz);
            var differences = source.Snapshot().ApplyDelta(decoder).Differences(target.Snapshot());
            Assert.Empty(differences);
        }

        [Fact]
        public void ComparesNamesWithoutALeadingDotSlashAndWritesTheTargetsSpelling()
        {
            var source = SampleTrees.Linked();
            var target = source.With(File("etc/hostname", "tablet\n"));

            var run = DeltaRun.Generate(source, target, sourcePrefix: "", targetPrefix: "./");
            var back = DeltaRun.Generate(target, source, sourcePrefix: "./", targetPrefix: "");

            // The source tar has no entry for the root, so the target's "./" counts as added.
            Assert.Equal(["./", "./etc/hostname", "./usr/bin/tool", "./usr/bin/tool-alias"], run.Entries.Select(entry => entry.Name));
            Assert.Equal("./usr/bin/tool", run.Entries[3].LinkName);
            Assert.Equal(["usr/bin/tool-alias", "usr/bin/tool", "etc/hostname"], run.Removed);
            Assert.Equal(["etc/hostname", "usr/bin/tool", "usr/bin/tool-alias"], back.Names);
            run.AssertTurns(source, target);
        }

        [Theory]
        [InlineData(TarEntryFormat.Pax)]
        [InlineData(TarEntryFormat.Ustar)]
        public void ReadsOtherTarFormatsAndWritesGnu(TarEntryFormat format)
        {
            var source = SampleTrees.Base();
            var target = source.With(File("etc/hostname", "tablet\n"), Symlink("usr/lib/libx.so", "libx.so.1.1"));
            var converted = new MemoryStream();
            using (var writer = new TarWriter(converted, format, leaveOpen: true))
            {
                using var reader = new TarReader(new MemoryStream(target.ToTar()));
                while (reader.GetNextEntry() is { } entry)
                {
                    writer.WriteEntry(format == TarEntryFormat.Pax ? new PaxTarEntry(entry) : new UstarTarEntry(entry));
                }
            }

            var run = DeltaRun.Generate(source.ToTar(), converted.ToArray());

            Assert.Equal(["etc/hostname", "usr/lib/libx.so"], run.Names);
            using var delta = new TarReader(new MemoryStream(run.Tar));
            while (delta.GetNextEntry() is { } entry)
            {
                Assert.Equal(TarEntryFormat.Gnu, entry.Format);
            }

            run.AssertTurns(source, target);
        }

        [Theory]
        [InlineData("/etc/passwd")]
        [InlineData("usr/../../etc/passwd")]
        public void RejectsAbsoluteAndDotDotNames(string name)
        {
            var bad = new MemoryStream();
            using (var writer = new TarWriter(bad, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name));
            }

            var error = Assert.Throws<InvalidDataException>(() => DeltaRun.Generate(SampleTrees.Base().ToTar(), bad.ToArray()));

            Assert.Contains(name, error.Message);
        }

        [Fact]
        public void StopsWhenCancelled()
        {
            var tar = SampleTrees.Base().ToTar();
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();

            Assert.ThrowsAny<OperationCanceledException>(() =>
                new DeltaGenerator().Write(() => new MemoryStream(tar), () => new MemoryStream(tar), Stream.Null, cancelled.Token));
        }

        [Fact]
        public void CountsPathsAndCopiedBytes()
        {
            var source = SampleTrees.Base();
            var target = source.Without("tmp").With(File("etc/hostname", "tablet\n"), File("etc/new", "12345"));

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(new DeltaStats(1, 1, 1, source.Entries.Count - 1 - 1, 7 + 5), run.Stats);
        }

        private static byte[] Compress(byte[] data)
        {
            using var sink = new MemoryStream();
            using (var encoder = new XzEncoderStream(sink, new XzSettings { Preset = 1, Threads = 2 }, leaveOpen: true))
            {
                encoder.Write(data);
            }

            return sink.ToArray();
        }
    }
}
