namespace SystemImage.Core.Publishing;

/// <summary>A published signature that does not verify over its file with the server's key for it.</summary>
/// <param name="Path">Tree path of the signature (<c>/channels.json.asc</c>).</param>
/// <param name="Reason">Why it does not verify, in one line.</param>
public sealed record BadSignature(string Path, string Reason);
