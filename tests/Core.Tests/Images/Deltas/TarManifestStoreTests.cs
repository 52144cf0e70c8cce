using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images.Deltas;
using Xunit;

namespace SystemImage.Core.Tests.Images.Deltas;

public sealed class TarManifestStoreTests : IDisposable
{
    private const string Checksum = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("manifest-store-").FullName;
    private readonly TarManifestStore _store;

    public TarManifestStoreTests() =>
        _store = new TarManifestStore(Options.Create(new SystemImageOptions { DataDir = _dataDir }), NullLogger<TarManifestStore>.Instance);

    private string StoredPath => Path.Combine(_dataDir, "state", "manifests", Checksum + ".manifest");

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public void ScansATarballOnceAndThenReadsTheStoredFile()
    {
        var tar = SampleTrees.Base().ToTar();
        var scans = 0;

        var first = _store.GetOrScan(Checksum, () => { scans++; return new MemoryStream(tar); }, CancellationToken.None);
        var second = _store.GetOrScan(Checksum, () => { scans++; return new MemoryStream(tar); }, CancellationToken.None);

        Assert.Equal(1, scans);
        Assert.Equal(StoredPath, second.FilePath);
        Assert.Equal(first.ReadEntries(CancellationToken.None).Select(e => e.Path), second.ReadEntries(CancellationToken.None).Select(e => e.Path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(StoredPath)!));
    }

    [Fact]
    public void MakesADamagedOrOlderManifestAgain()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StoredPath)!);
        File.WriteAllBytes(StoredPath, [.. "SIMANIF1"u8, 0, 0, 0, 0]);
        var tar = SampleTrees.Base().ToTar();

        var manifest = _store.GetOrScan(Checksum, () => new MemoryStream(tar), CancellationToken.None);

        Assert.Equal(TarManifest.Scan(new MemoryStream(tar), CancellationToken.None).Count, manifest.Count);
        Assert.NotNull(TarManifest.OpenOrNull(StoredPath));
    }

    [Fact]
    public void MovesAManifestTheValidatorWroteInsteadOfCopyingIt()
    {
        var written = Path.Combine(_dataDir, "part.manifest");
        using (var file = File.Create(written))
        {
            TarManifest.Scan(new MemoryStream(SampleTrees.Base().ToTar()), file, CancellationToken.None);
        }

        var manifest = TarManifest.OpenOrNull(written)!;

        _store.Save(Checksum, manifest);

        Assert.False(File.Exists(written));
        Assert.Equal(StoredPath, manifest.FilePath);
        Assert.Equal(manifest.Count, TarManifest.OpenOrNull(StoredPath)?.Count);
    }
}
