using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// <c>cdimage-device</c> and <c>cdimage-custom</c>: the build's <c>.device.tar.gz</c> or <c>.custom.tar.gz</c>,
/// validated and recompressed to xz as it is (no re-pack), its SHA-256 checked against SHA256SUMS in the same pass.
/// </summary>
public abstract class CdImageTarballGenerator(IOptions<ImportOptions> options) : CdImageGenerator(options)
{
    private protected override async Task<PoolFile> MakeAsync(
        GeneratorContext context, CdImageArguments arguments, CdImageBuild build, string poolPath, CancellationToken cancellationToken)
    {
        var size = new FileInfo(build.FilePath).Length;
        context.Session.Reporter.Progress(context.Device, context.File.Name, 0, size);
        PoolFile file;
        try
        {
            file = await context.Session.AddTarballAsync(poolPath, build.FilePath, build.Sha256, Describe(context, build), cancellationToken);
        }
        catch (GeneratorException e)
        {
            throw new GeneratorException($"build {build.Name}: {e.Message}", e);
        }

        context.Session.Reporter.Progress(context.Device, context.File.Name, size, size);
        return file;
    }
}
