namespace SystemImage.Core.Maintenance;

/// <summary>What check-tree found: files the database references that are missing, and files nothing references.</summary>
public sealed record TreeCheck(IReadOnlyList<string> Missing, IReadOnlyList<string> Orphaned);
