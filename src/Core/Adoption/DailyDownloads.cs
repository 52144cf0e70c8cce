namespace SystemImage.Core.Adoption;

/// <summary>Downloads of one version on one day (UTC): full images, delta images and check-ins.</summary>
public sealed record DailyDownloads(DateOnly Day, int Version, long Full, long Delta, long CheckIns)
{
    /// <summary>Images downloaded (full and delta).</summary>
    public long Downloads => Full + Delta;
}
