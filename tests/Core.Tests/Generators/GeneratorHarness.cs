using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Generators;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Storage;
using SystemImage.TestUtilities;

namespace SystemImage.Core.Tests.Generators;

/// <summary>
/// Runs one generator at a time over a real data directory: an import session with its work directory, a read-only
/// database context as the import gives generators, and a way to commit what was generated into the pool.
/// </summary>
internal sealed class GeneratorHarness : IAsyncDisposable
{
    private readonly bool _ownsData;

    private GeneratorHarness(TestDataDirectory data, bool ownsData)
    {
        Data = data;
        _ownsData = ownsData;
        Session = NewSession();
        Db = data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContext();
    }

    public TestDataDirectory Data { get; }

    public RecordingImportReporter Reporter { get; } = new();

    public ImportSession Session { get; private set; }

    public SystemImageDbContext Db { get; }

    public static async Task<GeneratorHarness> CreateAsync(IDictionary<string, string?>? settings = null) =>
        new(await TestDataDirectory.CreateAsync(settings), ownsData: true);

    /// <summary>A harness over a data directory someone else owns (e.g. an image fixture's).</summary>
    public static GeneratorHarness Over(TestDataDirectory data) => new(data, ownsData: false);

    public IFileGenerator Generator(string name) => Data.Get<GeneratorRegistry>().Find(name)!;

    public GeneratorContext Context(ImportFile file, string device = "mako", Image? latest = null, IReadOnlyList<PoolFile>? generated = null, int version = 1) => new()
    {
        Channel = "auto",
        Device = device,
        Version = version,
        File = file,
        LatestFull = latest,
        Generated = generated ?? [],
        Session = Session,
        Db = Db,
    };

    public Task<PoolFile?> GenerateAsync(ImportFile file, string device = "mako", Image? latest = null, IReadOnlyList<PoolFile>? generated = null) =>
        Generator(file.Generator).GenerateAsync(Context(file, device, latest, generated), CancellationToken.None);

    /// <summary>Publishes the pending files among <paramref name="files"/> into the pool and the database.</summary>
    public async Task CommitAsync(params PoolFile[] files)
    {
        var result = await Data.Get<TreeMutator>().MutateAsync(
            db =>
            {
                Session.Commit(db, files);
                return Task.FromResult(new Mutation(OperationResult.Ok("committed"), PublishRequest.ChannelsOnly));
            },
            CancellationToken.None);
        Xunit.Assert.True(result.Succeeded, result.Message);
    }

    /// <summary>Ends the current session (as an import run ends) and starts a new one.</summary>
    public void Restart()
    {
        Session.Dispose();
        Session = NewSession();
    }

    /// <summary>Files left in the session's work directory, besides the work area's lock file.</summary>
    public IReadOnlyList<string> WorkFiles() => Directory.Exists(Session.WorkDirectory)
        ? Directory.EnumerateFiles(Session.WorkDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".owner").ToList()
        : [];

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await Db.DisposeAsync();
        if (_ownsData)
        {
            await Data.DisposeAsync();
        }
    }

    private ImportSession NewSession() => new(
        SystemImage.Core.Storage.WorkArea.Create(Data.Options.StateDir, "test"),
        Reporter,
        Data.Get<PartPreparer>(),
        Data.Get<PoolWriter>(),
        Data.Get<TarManifestStore>(),
        TimeProvider.System);
}
