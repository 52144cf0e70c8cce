using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// What the <c>cdimage-*</c> generators share (SPEC §5): arguments <c>path;series</c>, options <c>product</c> and
/// <c>import=any|good</c>, the device's architecture from <see cref="ImportOptions.DeviceArchitectures"/>, the newest
/// qualifying build (see <see cref="CdImageScanner"/>) and the content-addressed pool path
/// <c>/pool/&lt;kind&gt;-&lt;SHA-256 of the source from SHA256SUMS&gt;.tar.xz</c>: a path the pool already has is returned
/// without reading the source. No qualifying build gives nothing (logged with the reason), which cancels the image.
/// </summary>
public abstract class CdImageGenerator(IOptions<ImportOptions> options) : IFileGenerator
{
    public abstract string Name { get; }

    /// <summary>
    /// <c>ubuntu</c>, <c>device</c> or <c>custom</c>: names the pool file and is the key of its version_detail element
    /// (<c>ubuntu=20261125</c>) whatever the file-list entry is called, since a pool file and its record are shared by
    /// every channel that generates the same source.
    /// </summary>
    public abstract string Kind { get; }

    /// <summary>What follows the architecture in the file name, e.g. <c>.device.tar.gz</c>.</summary>
    public abstract string Suffix { get; }

    public string? Validate(ImportFile file) => CdImageArguments.Validate(file);

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        var arguments = CdImageArguments.Parse(context.File);
        var fileName = arguments.FileName(options.Value.ArchitectureOf(context.Device), Suffix);
        var (build, reason) = CdImageScanner.FindNewest(arguments.Path, fileName, arguments.GoodOnly);
        if (build is null)
        {
            Log(context, $"nothing to import: {reason}");
            return null;
        }

        var poolPath = $"{TreeLayout.PoolDirectory}/{Kind}-{build.Sha256}.tar.xz";
        if (await context.Session.FindAsync(context.Db, poolPath, cancellationToken) is { } existing)
        {
            Log(context, $"build {build.Name} ({fileName}) is already in the pool as {poolPath}");
            return existing;
        }

        Log(context, $"importing build {build.Name} ({build.FilePath})");
        return await MakeAsync(context, arguments, build, poolPath, cancellationToken);
    }

    /// <summary>Makes the pool file <paramref name="poolPath"/> from <paramref name="build"/>'s file, which must match its SHA256SUMS.</summary>
    private protected abstract Task<PoolFile> MakeAsync(
        GeneratorContext context, CdImageArguments arguments, CdImageBuild build, string poolPath, CancellationToken cancellationToken);

    private protected PoolFileDescription Describe(GeneratorContext context, CdImageBuild build) =>
        new(context.File.Name, Name, $"{Kind}={build.Name}", build.FilePath, context.Version)
        {
            Extra = new Dictionary<string, string> { ["source_sha256"] = build.Sha256 },
        };

    private protected static void Log(GeneratorContext context, string message) =>
        context.Session.Reporter.Log($"{context.Device}: {context.File.Name}: {message}");
}
