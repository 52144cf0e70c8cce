using SystemImage.Core.Publishing;

namespace SystemImage.Core.Operations;

/// <summary>What a change to the database produced: its outcome and, on success, what must be republished.</summary>
public sealed record Mutation(OperationResult Result, PublishRequest Publish)
{
    public static Mutation Failed(OperationResult result) => new(result, PublishRequest.ChannelsOnly);

    public static implicit operator Mutation(OperationResult failure) => Failed(failure);
}
