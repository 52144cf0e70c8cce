namespace SystemImage.Core.Publishing;

/// <summary>What a publish run changed in the tree.</summary>
public sealed record PublishReport(int Written, int Unchanged, IReadOnlyList<string> Removed, TimeSpan Elapsed);
