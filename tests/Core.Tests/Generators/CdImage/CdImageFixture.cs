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
using SystemImage.TestUtilities.CdImage;

namespace SystemImage.Core.Tests.Generators.CdImage;

/// <summary>A data directory with a seeded cdimage tree, and helpers to run one generator the way an import does.</summary>
internal sealed class CdImageFixture : IAsyncDisposable
{
    public const string Series = "vivid";
    public const string Build1 = "20261125";

    private readonly List<ImportSession> _sessions = [];

    private CdImageFixture(TestDataDirectory data, CdImageTree tree)
    {
        Data = data;
        Tree = tree;
    }

    public TestDataDirectory Data { get; }

    public CdImageTree Tree { get; }

    public RecordingImportReporter Reporter { get; } = new();

    /// <summary>A fixture whose tree has build <see cref="Build1"/> for vivid on armhf (mako) and i386 (generic_x86).</summary>
    public static async Task<CdImageFixture> CreateAsync(int seed = 1, Func<CdImageTreeBuilder, CdImageTreeBuilder>? configure = null, bool withBuild = true)
    {
        var data = await TestDataDirectory.CreateAsync();
        var builder = new CdImageTreeBuilder(seed).WithSeries(Series).WithArchitectures("armhf", "i386");
        var tree = (configure?.Invoke(builder) ?? builder).Build(Path.Combine(data.Path, "cdimage"));
        if (withBuild)
        {
            tree.AddBuild(Build1);
        }

        return new CdImageFixture(data, tree);
    }

    public ImportFile Entry(string generator, string name, params (string Key, string Value)[] options) => new()
    {
        Name = name,
        Generator = generator,
        Arguments = [Tree.Root, Series],
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    /// <summary>A new import session with its own work directory; disposed with the fixture.</summary>
    public ImportSession NewSession()
    {
        var session = new ImportSession(
            WorkArea.Create(Data.Options.StateDir, "test"),
            Reporter, Data.Get<PartPreparer>(), Data.Get<PoolWriter>(), Data.Get<TarManifestStore>(), TimeProvider.System);
        _sessions.Add(session);
        return session;
    }

    /// <summary>Runs the generator of <paramref name="file"/> for <paramref name="device"/>, as the import of version <paramref name="version"/> would.</summary>
    public async Task<PoolFile?> GenerateAsync(ImportFile file, string device = "mako", ImportSession? session = null, int version = 1)
    {
        await using var db = await Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        var context = new GeneratorContext
        {
            Channel = "ubuntu-touch/devel",
            Device = device,
            Version = version,
            File = file,
            LatestFull = null,
            Generated = [],
            Session = session ?? NewSession(),
            Db = db,
        };
        return await Data.Get<GeneratorRegistry>().Find(file.Generator)!.GenerateAsync(context, CancellationToken.None);
    }

    /// <summary>Publishes a pending pool file into the tree and the database, as committing an image does.</summary>
    public async Task CommitAsync(ImportSession session, PoolFile file)
    {
        var result = await Data.Get<TreeMutator>().MutateAsync(
            db =>
            {
                session.Commit(db, [file]);
                return Task.FromResult(new Mutation(OperationResult.Ok("committed"), PublishRequest.ChannelsOnly));
            },
            CancellationToken.None);
        Xunit.Assert.True(result.Succeeded, result.Message);
    }

    /// <summary>
    /// Files left in the sessions' work directories (besides each work area's lock file): none after a failed
    /// generation (a successful one leaves its pending output).
    /// </summary>
    public IReadOnlyList<string> WorkLeftovers() => _sessions
        .Where(s => Directory.Exists(s.WorkDirectory))
        .SelectMany(s => Directory.EnumerateFileSystemEntries(s.WorkDirectory, "*", SearchOption.AllDirectories))
        .Where(path => Path.GetFileName(path) != ".owner")
        .ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        await Data.DisposeAsync();
    }
}
