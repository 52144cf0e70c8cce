using System.Security.Cryptography;
using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.TestUtilities;

/// <summary>
/// A test generator, <c>tarball-dir;DIR</c>: the part is <c>DIR/&lt;device&gt;.tar.gz</c>, else <c>DIR/all.tar.gz</c>;
/// neither gives nothing. Content-addressed like the real generators, through the real import session.
/// </summary>
public sealed class TarballDirectoryGenerator : IFileGenerator
{
    public const string GeneratorName = "tarball-dir";

    public string Name => GeneratorName;

    public string? Validate(ImportFile file) => file.Arguments.Count == 1 ? null : "needs exactly one argument, the directory";

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        var directory = context.File.Arguments[0];
        var file = new[] { $"{context.Device}.tar.gz", "all.tar.gz" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
        if (file is null)
        {
            context.Session.Reporter.Log($"no tarball for {context.Device} in {directory}");
            return null;
        }

        string hash;
        await using (var stream = File.OpenRead(file))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        var path = $"/pool/{context.File.Name}-{hash}.tar.xz";
        return await context.Session.FindAsync(context.Db, path, cancellationToken)
            ?? await context.Session.AddTarballAsync(
                path, file, new PoolFileDescription(context.File.Name, GeneratorName, $"{context.File.Name}={hash[..8]}", file, context.Version), cancellationToken);
    }
}
