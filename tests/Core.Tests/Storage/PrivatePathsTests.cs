using SystemImage.Core.Channels;
using SystemImage.Core.Hosting;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Storage;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Storage;

/// <summary>
/// The databases (password and token hashes, the audit log) and everything under <c>state/</c> are the server's alone,
/// 0600 and 0700 like <c>secrets/</c>, whatever the umask; the published tree stays readable by everyone.
/// </summary>
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
public sealed class PrivatePathsTests : IAsyncLifetime
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode PublicDirectory = PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private static readonly Actor Tester = new("tester", "cli");

    private TestDataDirectory _data = null!;

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    private string State => _data.Options.StateDir;

    [Fact]
    public async Task AFreshDataDirectoryHasPrivateDatabasesAndState()
    {
        await using var open = await HoldDatabaseOpenAsync();
        AssertMode(PrivateDirectory, State);
        AssertMode(PrivateDirectory, _data.Options.SecretsDir);
        foreach (var database in new[] { _data.Options.DatabasePath, _data.Options.HangfireDatabasePath })
        {
            AssertMode(Private, database);
        }

        Assert.True(File.Exists(_data.Options.DatabasePath + "-wal"));
        AssertMode(Private, _data.Options.DatabasePath + "-wal");
        AssertMode(Private, _data.Options.DatabasePath + "-shm");
        AssertMode(PublicDirectory, _data.PublishRoot);
        AssertMode(Public, _data.File("/channels.json"));
    }

    [Fact]
    public async Task WorkStagingAndManifestsArePrivateAndTheTreeStaysPublic()
    {
        await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None);
        await _data.Get<DeviceService>().CreateAsync("stable", "mako", false, Tester, CancellationToken.None);
        var build = SimpleTarball.WriteBuild(Path.Combine(_data.Path, "rootfs.tar.gz"), 1);
        using (var work = WorkArea.Create(State, "test"))
        {
            AssertMode(PrivateDirectory, work.Path);
            AssertMode(PrivateDirectory, WorkArea.WorkRoot(State));
        }

        using (var staged = StagedFiles.Create(State, _data.PublishRoot))
        {
            AssertMode(PrivateDirectory, staged.Directory);
            AssertMode(PrivateDirectory, StagedFiles.Root(State));
        }

        var published = await _data.Get<ImageService>().PublishAsync(
            new PublishImageRequest("stable", "mako", [new PartInput("ubuntu", build)]), Tester, CancellationToken.None);

        Assert.True(published.Succeeded, published.Message);
        AssertMode(PrivateDirectory, Path.Combine(State, "manifests"));
        var pool = Directory.GetFiles(Path.Combine(_data.PublishRoot, "pool"));
        Assert.NotEmpty(pool);
        Assert.All(pool, file => AssertMode(Public, file));
        AssertMode(PublicDirectory, Path.Combine(_data.PublishRoot, "stable", "mako"));
        AssertMode(Public, _data.File("/stable/mako/index.json"));
    }

    [Fact]
    public async Task AnOlderDataDirectoryIsTightenedAtStart()
    {
        var work = Directory.CreateDirectory(WorkArea.WorkRoot(State)).FullName;
        await using var open = await HoldDatabaseOpenAsync();
        var loose = new[] { _data.Options.DatabasePath, _data.Options.DatabasePath + "-wal", _data.Options.HangfireDatabasePath };
        File.SetUnixFileMode(State, PublicDirectory);
        File.SetUnixFileMode(work, PublicDirectory);
        foreach (var file in loose)
        {
            File.SetUnixFileMode(file, Public);
        }

        await _data.Get<DataDirectory>().PrepareAsync(CancellationToken.None);

        AssertMode(PrivateDirectory, State);
        AssertMode(PrivateDirectory, work);
        Assert.All(loose, file => AssertMode(Private, file));
    }

    /// <summary>
    /// A connection of the test's own keeps the -wal and -shm files whatever the pool does with idle connections:
    /// SQLite removes the -wal file when the last connection closes.
    /// </summary>
    private async Task<Microsoft.Data.Sqlite.SqliteConnection> HoldDatabaseOpenAsync()
    {
        var open = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_data.Options.DatabasePath};Pooling=False");
        await open.OpenAsync();
        await using var read = open.CreateCommand();
        read.CommandText = "SELECT count(*) FROM sqlite_master";
        await read.ExecuteScalarAsync();
        return open;
    }

    private static void AssertMode(UnixFileMode expected, string path) =>
        Assert.True(File.GetUnixFileMode(path) == expected, $"{path} is {Octal(File.GetUnixFileMode(path))}, not {Octal(expected)}");

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);
}
