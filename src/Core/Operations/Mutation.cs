using SystemImage.Core.Publishing;

namespace SystemImage.Core.Operations;

/// <summary>
/// What a change to the database produced: its outcome and, on success, what must be republished. A change that
/// finds nothing to do returns <see cref="Unchanged"/>: nothing is committed, audited or published.
/// </summary>
public sealed record Mutation(OperationResult Result, PublishRequest Publish)
{
    /// <summary>True when the change found the state already as asked, so there is nothing to commit or publish.</summary>
    public bool IsUnchanged { get; private init; }

    public static Mutation Failed(OperationResult result) => new(result, PublishRequest.ChannelsOnly);

    /// <summary>A success that changes nothing (e.g. 100% → 100%): <paramref name="message"/> says why.</summary>
    public static Mutation Unchanged(string message) => new(OperationResult.Ok(message), PublishRequest.ChannelsOnly) { IsUnchanged = true };

    public static implicit operator Mutation(OperationResult failure) => Failed(failure);
}
