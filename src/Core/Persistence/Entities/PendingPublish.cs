namespace SystemImage.Core.Persistence.Entities;

/// <summary>
/// A change the database has committed but the tree may not show yet: written in the same transaction as the change,
/// removed once its staged files are in place and the tree is published. Whoever takes the publish lock next
/// finishes what a crash left (see <see cref="Publishing.PendingPublishes"/>), so the tree never stays behind.
/// </summary>
public sealed class PendingPublish
{
    public int Id { get; set; }

    /// <summary>The staging directory under <c>state/staging</c> holding the change's new files.</summary>
    public required string Staging { get; set; }

    /// <summary>What to publish, as JSON (see <see cref="Publishing.PublishRequest"/>).</summary>
    public required string Request { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
