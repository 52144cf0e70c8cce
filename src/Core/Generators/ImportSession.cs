using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Generators;

/// <summary>
/// One import run's access to the pool. Files that generators make stay pending in the run's work directory until
/// an image that uses them is committed, so an image cancelled by a generator leaves the tree untouched, and a file
/// another device needs as well is made only once per run.
/// </summary>
public sealed class ImportSession : IDisposable
{
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly PartPreparer _preparer;
    private readonly PoolWriter _pool;
    private readonly TarManifestStore _manifests;
    private readonly TimeProvider _time;

    private readonly WorkArea _work;

    internal ImportSession(WorkArea work, IImportReporter reporter, PartPreparer preparer, PoolWriter pool, TarManifestStore manifests, TimeProvider time)
    {
        _work = work;
        WorkDirectory = work.Path;
        Reporter = reporter;
        _preparer = preparer;
        _pool = pool;
        _manifests = manifests;
        _time = time;
    }

    /// <summary>A directory for the run's downloads and temporary files; deleted when the run ends.</summary>
    public string WorkDirectory { get; }

    public IImportReporter Reporter { get; }

    /// <summary>The device and file-list entry being generated; set by the import, used for progress.</summary>
    internal (string? Device, string? File) Current { get; set; }

    /// <summary>The pool file at <paramref name="poolPath"/>: pending in this run, or already published; null when neither.</summary>
    public async Task<PoolFile?> FindAsync(SystemImageDbContext db, string poolPath, CancellationToken cancellationToken) =>
        _pending.TryGetValue(poolPath, out var pending)
            ? pending.File
            : await db.PoolFiles.AsNoTracking().FirstOrDefaultAsync(p => p.Path == poolPath, cancellationToken);

    /// <summary>
    /// Makes the pool file <paramref name="poolPath"/> from <paramref name="tarball"/> (a <c>.tar</c>, <c>.tar.gz</c>,
    /// <c>.tar.xz</c>, <c>.tar.zst</c> or <c>.tar.bz2</c>, as its name announces, or as its first bytes say when its name
    /// announces none; validated, and recompressed to xz unless it already is): pending until an image that uses it is
    /// committed. The caller may delete <paramref name="tarball"/> afterwards.
    /// </summary>
    /// <exception cref="GeneratorException">The tarball is not a valid, safe tar archive of its announced compression.</exception>
    public Task<PoolFile> AddTarballAsync(string poolPath, string tarball, PoolFileDescription description, CancellationToken cancellationToken) =>
        AddTarballAsync(poolPath, tarball, null, description, cancellationToken);

    /// <summary>
    /// <see cref="AddTarballAsync(string, string, PoolFileDescription, CancellationToken)"/> for a tarball whose SHA-256
    /// must be <paramref name="expectedSha256"/> (e.g. as a SHA256SUMS file gives it), checked in the same pass.
    /// </summary>
    /// <exception cref="GeneratorException">The tarball is not valid, or its SHA-256 is not <paramref name="expectedSha256"/>.</exception>
    public async Task<PoolFile> AddTarballAsync(
        string poolPath, string tarball, string? expectedSha256, PoolFileDescription description, CancellationToken cancellationToken)
    {
        if (_pending.TryGetValue(poolPath, out var existing))
        {
            return existing.File;
        }

        // Progress of the validation and compression pass, under the device and entry the import is at (a generator
        // that reads its source first, such as a re-pack, reports that pass itself).
        var (device, entry) = Current;
        var total = new FileInfo(tarball).Length;
        var progress = device is null ? null : new InlineProgress(bytes => Reporter.Progress(device, entry, bytes, total));
        // A download into this run's work directory is the server's own file; a file of a cdimage tree is not.
        var owned = Path.GetFullPath(tarball).StartsWith(Path.GetFullPath(WorkDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var result = await _preparer.PrepareAsync(tarball, PartPreparer.CompressionFromFileName(tarball), WorkDirectory, cancellationToken, progress, owned);
        if (result.Part is not { } part)
        {
            throw new GeneratorException($"{Path.GetFileName(tarball)}: {result.Error}");
        }

        if (expectedSha256 is not null && !string.Equals(part.SourceSha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            part.Discard();
            throw new GeneratorException($"{Path.GetFileName(tarball)}: its SHA-256 is {part.SourceSha256}, not the expected {expectedSha256.ToLowerInvariant()}");
        }

        var file = new PoolFile
        {
            Path = poolPath,
            PartName = description.PartName,
            Checksum = part.Checksum,
            Size = part.Size,
            Generator = description.Generator,
            Source = description.Source,
            VersionDetail = description.VersionDetail,
            CreatedAt = _time.GetUtcNow(),
        };
        var sidecar = new JsonObject
        {
            ["checksum"] = part.Checksum,
            ["generator"] = description.Generator,
            ["source"] = description.Source,
            ["version"] = description.Version,
            ["version_detail"] = description.VersionDetail,
        };
        foreach (var (key, value) in description.Extra)
        {
            sidecar[key] = value;
        }

        _pending[poolPath] = new Pending(file, part.OutputPath, sidecar, part.Manifest);
        return file;
    }

    /// <summary>Stages the pending files among <paramref name="files"/> in the change of <paramref name="db"/> and adds their rows, before the image that uses them.</summary>
    internal void Commit(SystemImageDbContext db, IEnumerable<PoolFile> files)
    {
        foreach (var file in files)
        {
            if (_pending.Remove(file.Path, out var pending))
            {
                _pool.StageFile(db.StagedFiles, file.Path, pending.Output, pending.Sidecar);
                db.PoolFiles.Add(pending.File);
                if (pending.Manifest is { } manifest)
                {
                    _manifests.Save(pending.File.Checksum, manifest);
                }
            }
        }
    }

    public void Dispose() => _work.Dispose();

    /// <summary>Reports on the reading thread, unlike <see cref="Progress{T}"/>, which posts to a context.</summary>
    private sealed class InlineProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private sealed record Pending(PoolFile File, string Output, JsonObject Sidecar, TarManifest? Manifest);
}
