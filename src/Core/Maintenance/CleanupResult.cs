namespace SystemImage.Core.Maintenance;

/// <summary>What cleanup-tree did.</summary>
/// <param name="Removed">The orphaned files it removed.</param>
/// <param name="Foreign">Files and directories (<c>/name/</c>) the server never writes, left in place.</param>
public sealed record CleanupResult(IReadOnlyList<string> Removed, IReadOnlyList<string> Foreign);
