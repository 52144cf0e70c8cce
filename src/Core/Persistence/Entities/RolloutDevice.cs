namespace SystemImage.Core.Persistence.Entities;

/// <summary>A device a rollout covers and the version it ramps; a newer version of the device supersedes the rollout.</summary>
public sealed class RolloutDevice
{
    public int Id { get; set; }

    public int RolloutId { get; set; }

    public required string Device { get; set; }

    public int Version { get; set; }
}
