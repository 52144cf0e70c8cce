using SystemImage.TestUtilities.Rootfs;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class DeltaRoundTripTests
{
    private static readonly double[] Shares = [0, 0.01, 0.1, 0.5, 1];
    private static readonly (int Entries, long TotalSize)[] Sizes = [(300, 256 << 10), (800, 1 << 20), (1500, 2 << 20), (3000, 4 << 20)];

    /// <summary>Seeds 1–35: every share with every size, and every fifth pair taken backwards (a downgrade).</summary>
    public static TheoryData<int, int, long, double, bool> Pairs()
    {
        var data = new TheoryData<int, int, long, double, bool>();
        for (var seed = 1; seed <= 35; seed++)
        {
            var (entries, totalSize) = Sizes[seed % Sizes.Length];
            data.Add(seed, entries, totalSize, Shares[seed % Shares.Length], seed % 5 == 2);
        }

        return data;
    }

    public sealed class Write
    {
        [Theory]
        [MemberData(nameof(Pairs), MemberType = typeof(DeltaRoundTripTests))]
        public void TurnsTheSourceIntoTheTarget(int seed, int entries, long totalSize, double share, bool backwards)
        {
            var source = new RootfsBuilder(seed).WithEntries(entries).WithTotalSize(totalSize).Build();
            var target = source.NextBuild(seed * 31, share);
            if (backwards)
            {
                (source, target) = (target, source);
            }

            var run = DeltaRun.RoundTrip(source, target);

            Assert.Equal(target.Entries.Count, run.Stats.Added + run.Stats.Modified + run.Stats.Unchanged);
        }

        [Fact]
        public void TurnsEachBuildIntoTheNextOverSeveralBuilds()
        {
            var build = new RootfsBuilder(77).WithEntries(1000).WithTotalSize(1 << 20).Build();
            for (var step = 1; step <= 4; step++)
            {
                var next = build.NextBuild(step, 0.1);
                DeltaRun.RoundTrip(build, next);
                build = next;
            }
        }
    }
}
