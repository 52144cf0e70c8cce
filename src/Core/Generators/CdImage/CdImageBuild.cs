namespace SystemImage.Core.Generators.CdImage;

/// <summary>The build a cdimage generator takes its file from.</summary>
/// <param name="Name">The build directory's name, e.g. <c>20261125.1</c>.</param>
/// <param name="FilePath">The full path of the file.</param>
/// <param name="Sha256">The file's lowercase hex SHA-256 as the build's <c>SHA256SUMS</c> gives it.</param>
internal sealed record CdImageBuild(string Name, string FilePath, string Sha256);
