namespace SystemImage.Core.Images;

/// <summary>One part of an image to publish: its name (<c>ubuntu</c>, <c>device</c>, <c>custom</c>…) and the file holding it.</summary>
public sealed record PartInput(string Name, string FilePath);
