namespace SystemImage.TestUtilities.CdImage;

/// <summary>What <see cref="CdImageTreeBuilder"/> configured.</summary>
internal sealed record CdImageTreeSettings(
    int Seed,
    IReadOnlyList<string> Series,
    IReadOnlyList<string> Architectures,
    string Product,
    int RootfsEntries,
    long RootfsSize,
    string NamePrefix,
    double ChangeShare);
