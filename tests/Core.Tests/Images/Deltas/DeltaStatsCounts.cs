namespace SystemImage.Core.Tests.Images.Deltas;

/// <summary>The path counts of a delta's stats that a named case pins down.</summary>
internal sealed record DeltaStatsCounts(int Removed, int Added, int Modified)
{
    public static DeltaStatsCounts Of(DeltaRun run) => new(run.Stats.Removed, run.Stats.Added, run.Stats.Modified);
}
