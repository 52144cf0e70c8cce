namespace SystemImage.TestUtilities.Rootfs;

/// <summary>How big generated files are: a few empty, a few large ones and a long tail of small ones.</summary>
/// <param name="SmallAverage">Mean size of the small files, in bytes.</param>
/// <param name="MaxFileSize">The largest file, in bytes.</param>
/// <param name="LargeShare">Share of files between half of and <paramref name="MaxFileSize"/>.</param>
internal sealed record RootfsSizes(double SmallAverage, int MaxFileSize, double LargeShare)
{
    private const double EmptyShare = 0.04;
    private const double TailShape = 1.5;

    /// <summary>Sizes whose sum for <paramref name="files"/> files is about <paramref name="totalSize"/>.</summary>
    public static RootfsSizes For(long totalSize, int files, int maxFileSize)
    {
        var expectedLarge = 0.75 * maxFileSize;
        var largeShare = Math.Min(0.01, 0.5 * totalSize / (expectedLarge * Math.Max(1, files)));
        var smallBudget = totalSize - (largeShare * files * expectedLarge);
        var smallAverage = Math.Max(64, smallBudget / Math.Max(1, files * (1 - largeShare - EmptyShare)));
        return new RootfsSizes(smallAverage, maxFileSize, largeShare);
    }

    public int Next(Random random)
    {
        var u = random.NextDouble();
        if (u < EmptyShare)
        {
            return 0;
        }

        if (u < EmptyShare + LargeShare)
        {
            return random.Next(MaxFileSize / 2, MaxFileSize + 1);
        }

        // Lomax (Pareto II) scaled to mean 1: many small files, a few much larger.
        var tail = (TailShape - 1) * (Math.Pow(1 - random.NextDouble(), -1 / TailShape) - 1);
        return (int)Math.Min(MaxFileSize, Math.Round(SmallAverage * tail));
    }
}
