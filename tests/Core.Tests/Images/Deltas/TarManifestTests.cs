using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class TarManifestTests
{
    private static RootfsTree Tree(int seed) => new RootfsBuilder(seed).WithEntries(600).WithTotalSize(512 << 10).Build();

    private static TarManifest Scan(byte[] tar) => TarManifest.Scan(new ForwardOnlyStream(tar), CancellationToken.None);

    private static void AssertSame(TarManifest expected, TarManifest actual) =>
        Assert.Equal(
            expected.ReadEntries(CancellationToken.None).Select(Describe),
            actual.ReadEntries(CancellationToken.None).Select(Describe));

    // EntryFingerprint holds a byte array, so compare a readable rendering of every field.
    private static string Describe(TargetEntry entry)
    {
        var f = entry.Fingerprint;
        return $"{entry.Path}|{f.Kind}|{f.Mode}|{f.Uid}:{f.Gid}|{f.Size}|{f.DeviceMajor},{f.DeviceMinor}|{f.LinkName}|{(f.Sha256 is null ? "-" : Convert.ToHexString(f.Sha256))}";
    }

    public sealed class WriteToAndTryRead
    {
        [Fact]
        public void GiveBackEveryEntryOfARealisticTree()
        {
            var manifest = Scan(Tree(3).ToTar());
            using var file = new MemoryStream();

            manifest.CopyTo(file);

            Assert.True(manifest.Count > 500);
            AssertSame(manifest, TarManifest.TryRead(file.ToArray())!);
        }

        [Fact]
        public void KeepDevicesFifosSymlinksAndEmptyFiles()
        {
            var manifest = Scan(SampleTrees.Base().ToTar());
            using var file = new MemoryStream();

            manifest.CopyTo(file);

            var read = TarManifest.TryRead(file.ToArray())!;
            AssertSame(manifest, read);
            Assert.Contains(read.ReadEntries(CancellationToken.None), e => e.Path == "dev/null" && e.Fingerprint is { DeviceMajor: 1, DeviceMinor: 3 });
            Assert.Contains(read.ReadEntries(CancellationToken.None), e => e.Path == "usr/lib/libx.so" && e.Fingerprint.LinkName == "libx.so.1");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(100)]
        [InlineData(-1)]
        public void RefuseADamagedOrCutFile(int flippedByte)
        {
            var manifest = Scan(SampleTrees.Base().ToTar());
            using var file = new MemoryStream();
            manifest.CopyTo(file);
            var bytes = file.ToArray();

            if (flippedByte >= 0)
            {
                bytes[flippedByte] ^= 0x20;
            }
            else
            {
                bytes = bytes[..^10];
            }

            Assert.Null(TarManifest.TryRead(bytes));
        }

        [Fact]
        public void RefuseTheOlderFormatSoItIsMadeAgain()
        {
            // SIMANIF1: the count first, no end marker; read whole into memory, which this format no longer needs.
            var body = "SIMANIF1"u8.ToArray().Concat(BitConverter.GetBytes(0)).ToArray();

            Assert.Null(TarManifest.TryRead([.. body, .. System.Security.Cryptography.SHA256.HashData(body)]));
        }

        [Fact]
        public void RefuseSomethingElse() => Assert.Null(TarManifest.TryRead("not a manifest at all, just some text"u8.ToArray()));
    }

    public sealed class FromTheValidator
    {
        [Fact]
        public async Task IsWhatScanningTheTarGives()
        {
            var tar = Tree(5).ToTar();
            using var builder = new TarManifestBuilder();

            await TarValidator.ValidateAsync(new MemoryStream(tar), builder, int.MaxValue, CancellationToken.None);

            AssertSame(Scan(tar), builder.Build()!);
        }

        [Fact]
        public async Task IsWhatScanningTheTarGivesWithDotSlashNamesAndSpecialFiles()
        {
            var tar = SampleTrees.Base().ToTar("./");
            using var builder = new TarManifestBuilder();

            await TarValidator.ValidateAsync(new MemoryStream(tar), builder, int.MaxValue, CancellationToken.None);

            AssertSame(Scan(tar), builder.Build()!);
        }
    }

    public sealed class InAFile : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("manifest-tests-").FullName;

        [Fact]
        public async Task IsWrittenByTheValidatorAsTheTarIsReadAndReadBackTheSame()
        {
            var tar = Tree(7).ToTar();
            var path = Path.Combine(_directory, "part.manifest");
            TarManifest? built;
            using (var builder = new TarManifestBuilder(path))
            {
                await TarValidator.ValidateAsync(new MemoryStream(tar), builder, int.MaxValue, CancellationToken.None);
                built = builder.Build();
            }

            Assert.Equal(path, built?.FilePath);
            AssertSame(Scan(tar), built!);
            AssertSame(Scan(tar), TarManifest.OpenOrNull(path)!);
        }

        [Fact]
        public async Task IsDeletedWhenTheValidatorRefusesTheTar()
        {
            var path = Path.Combine(_directory, "part.manifest");
            using (var builder = new TarManifestBuilder(path))
            {
                await Assert.ThrowsAsync<PartRefusedException>(() =>
                    TarValidator.ValidateAsync(new MemoryStream(Tree(8).ToTar()), builder, maxEntries: 10, CancellationToken.None));
            }

            Assert.False(File.Exists(path));
        }

        [Fact]
        public void IsNotOpenedWhenDamaged()
        {
            var path = Path.Combine(_directory, "part.manifest");
            using (var file = File.Create(path))
            {
                Scan(SampleTrees.Base().ToTar()).CopyTo(file);
            }

            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(path, bytes);

            Assert.Null(TarManifest.OpenOrNull(path));
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }

    public sealed class WithTheDeltaGenerator
    {
        [Fact]
        public void WritesTheSameDeltaAsScanningBothTarballs()
        {
            var source = Tree(11);
            var target = source.NextBuild(12, 0.2);
            var (sourceTar, targetTar) = (source.ToTar(), target.ToTar());
            var generator = new DeltaGenerator();
            using var scanned = new MemoryStream();
            generator.Write(() => new MemoryStream(sourceTar), () => new MemoryStream(targetTar), scanned, CancellationToken.None);
            using var fromManifests = new MemoryStream();

            var plan = DeltaGenerator.Plan(Scan(sourceTar), Scan(targetTar));
            generator.Write(plan, () => new MemoryStream(targetTar), fromManifests, CancellationToken.None);

            Assert.Equal(scanned.ToArray(), fromManifests.ToArray());
            Assert.InRange(plan.EstimatedTarSize, fromManifests.Length * 9 / 10, fromManifests.Length * 11 / 10);
        }

        [Fact]
        public void RefusesATargetThatIsNotTheOneItsManifestWasMadeFrom()
        {
            var source = Tree(21);
            var target = source.NextBuild(22, 0.2);
            var plan = DeltaGenerator.Plan(Scan(source.ToTar()), Scan(target.ToTar()));

            var error = Assert.Throws<InvalidDataException>(() =>
                new DeltaGenerator().Write(plan, () => new MemoryStream(source.ToTar()), Stream.Null, CancellationToken.None));

            Assert.Contains("does not match its manifest", error.Message);
        }
    }
}
