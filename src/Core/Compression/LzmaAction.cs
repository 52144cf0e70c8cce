namespace SystemImage.Core.Compression;

/// <summary>liblzma's <c>lzma_action</c>; only the two this wrapper uses.</summary>
internal enum LzmaAction
{
    Run = 0,
    Finish = 3,
}
