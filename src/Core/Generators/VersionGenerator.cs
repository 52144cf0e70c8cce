using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>
/// <c>version</c>: the version tarball (SPEC §2), which must come last in the file list. The import adds it when the
/// image is published, that is only when another file is new, so generating it on its own gives nothing.
/// </summary>
public sealed class VersionGenerator : IFileGenerator
{
    public const string GeneratorName = "version";

    public string Name => GeneratorName;

    public string? Validate(ImportFile file) =>
        file.Arguments.Count > 0 || file.Options.Count > 0 ? "the version generator takes no arguments or options" : null;

    public Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken) => Task.FromResult<PoolFile?>(null);
}
