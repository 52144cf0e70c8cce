namespace SystemImage.Core.Images;

/// <summary>One part of an image to publish: its name (<c>ubuntu</c>, <c>device</c>, <c>custom</c>…) and the file holding it.</summary>
public sealed record PartInput(string Name, string FilePath)
{
    /// <summary>
    /// The file is the server's own (an upload it received into its work area), so the pool may take it over by a
    /// hard link instead of a copy. False for anyone else's file, such as an operator's build given to publish-image.
    /// </summary>
    public bool Owned { get; init; }
}
