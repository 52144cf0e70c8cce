using SystemImage.Core.Publishing;

namespace SystemImage.Core.Maintenance;

/// <summary>What check-tree found.</summary>
/// <param name="Missing">Files the database references that the tree lacks.</param>
/// <param name="Orphaned">Files the server wrote that nothing references (and temporaries an interrupted write left): cleanup-tree removes them.</param>
/// <param name="Foreign">Files and directories (<c>/name/</c>) the server never writes, e.g. robots.txt: reported, never removed.</param>
/// <param name="BadSignatures">Signatures that do not verify over their file with the server's key; null when signatures were not checked.</param>
/// <param name="Behind">Changes the database committed that the tree does not show yet (an interrupted publish not finished): the tree lags the database.</param>
public sealed record TreeCheck(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Orphaned,
    IReadOnlyList<string> Foreign,
    IReadOnlyList<BadSignature>? BadSignatures = null,
    int Behind = 0);
