using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators.CdImage;

/// <summary>
/// <c>cdimage-ubuntu</c>: the build's <c>&lt;series&gt;-preinstalled-&lt;product&gt;-&lt;arch&gt;.tar.gz</c> re-packed under
/// <c>system/</c> (see <see cref="RootfsRepacker"/>) into a temporary tar in the import's work directory, then
/// xz-compressed to <c>/pool/ubuntu-&lt;hash&gt;.tar.xz</c>; version_detail <c>ubuntu=&lt;build&gt;</c>.
/// </summary>
public sealed partial class CdImageUbuntuGenerator(IOptions<ImportOptions> options, ILogger<CdImageUbuntuGenerator> logger)
    : CdImageGenerator(options)
{
    public const string GeneratorName = "cdimage-ubuntu";

    /// <summary>Progress is reported at most once per this many source bytes (and at the end).</summary>
    private const long ProgressStep = 4L << 20;

    public override string Name => GeneratorName;

    public override string Kind => "ubuntu";

    public override string Suffix => ".tar.gz";

    private protected override async Task<PoolFile> MakeAsync(
        GeneratorContext context, CdImageArguments arguments, CdImageBuild build, string poolPath, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var size = new FileInfo(build.FilePath).Length;
        var reported = long.MinValue;
        void Progress(long done)
        {
            if (done - reported >= ProgressStep || (done == size && reported != size))
            {
                reported = done;
                context.Session.Reporter.Progress(context.Device, context.File.Name, done, size);
            }
        }

        var work = Path.Combine(context.Session.WorkDirectory, $"cdimage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            // Named after the source (minus .gz) so that a refusal below names the file the operator knows.
            var tar = Path.Combine(work, Path.GetFileNameWithoutExtension(build.FilePath));
            var entries = await RootfsRepacker.RepackAsync(build, arguments.Product, tar, Progress, cancellationToken);
            Progress(size);
            LogRepacked(logger, build.FilePath, build.Name, entries, new FileInfo(tar).Length, clock.Elapsed.TotalSeconds);
            try
            {
                return await context.Session.AddTarballAsync(poolPath, tar, Describe(context, build), cancellationToken);
            }
            catch (GeneratorException e)
            {
                throw new GeneratorException($"build {build.Name}: the re-packed {e.Message}", e);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-packed {Source} (build {Build}): {Entries} entries, {TarBytes} bytes of tar in {Seconds:F1} s")]
    private static partial void LogRepacked(ILogger logger, string source, string build, int entries, long tarBytes, double seconds);
}
