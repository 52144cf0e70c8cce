using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Tests.Signing;
using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaGeneratorGnuTarTests
{
    public sealed class Write
    {
        [Theory]
        [InlineData(41, 0.3, false)]
        [InlineData(42, 1.0, false)]
        [InlineData(43, 0.1, true)]
        public void GivesTheTargetWhenGnuTarExtractsItOverTheSourceAfterRmRf(int seed, double share, bool targetFromGnuTar)
        {
            using var temp = new TempDirectory();
            var source = new RootfsBuilder(seed).WithEntries(1200).WithTotalSize(1 << 20).Build();
            var target = source.NextBuild(seed + 1, share);
            File.WriteAllBytes(temp.Combine("source.tar"), source.ToTar());
            File.WriteAllBytes(temp.Combine("target.tar"), target.ToTar("./"));
            GnuTar.Extract(temp.Combine("target.tar"), temp.Combine("expected"));
            if (targetFromGnuTar)
            {
                // GNU tar's own order and its own choice of which name of an inode is the file and which the link.
                GnuTar.Create(temp.Combine("expected"), temp.Combine("target.tar"));
            }

            var run = DeltaRun.Generate(File.ReadAllBytes(temp.Combine("source.tar")), File.ReadAllBytes(temp.Combine("target.tar")));
            File.WriteAllBytes(temp.Combine("delta.tar"), run.Tar);

            GnuTar.Extract(temp.Combine("source.tar"), temp.Combine("applied"));
            GnuTar.RemoveRecursively(temp.Combine("applied"), run.Removed);
            GnuTar.Extract(temp.Combine("delta.tar"), temp.Combine("applied"));
            File.Delete(temp.Combine("applied", DeltaGenerator.RemovedListName));

            // Ownership is only restored when tar runs as root.
            var asRoot = Environment.UserName == "root";
            var applied = GnuTar.List(temp.Combine("applied"), asRoot);
            var expected = GnuTar.List(temp.Combine("expected"), asRoot);
            Assert.True(expected.Count > 1000, $"only {expected.Count} paths were extracted");
            Assert.Equal(expected.Keys, applied.Keys);
            Assert.All(expected, pair => Assert.Equal(pair.Value, applied[pair.Key]));
        }
    }
}
