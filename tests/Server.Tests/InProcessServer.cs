using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Generators;
using SystemImage.Server.Hosting;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The real server host (Kestrel on a free port of 127.0.0.1, Hangfire, the static tree) in this process, over a
/// temporary data directory, with the test generator registered and fast job polling, so tests can reach its services.
/// </summary>
public class InProcessServer : IAsyncLifetime
{
    private readonly string[] _extraArgs = [];
    private readonly IReadOnlyDictionary<string, string> _database = TestDatabase.NewSettings();
    private WebApplication _app = null!;

    /// <summary>A server with the test defaults (the constructor xunit uses for fixtures).</summary>
    public InProcessServer()
    {
    }

    private InProcessServer(string[] extraArgs) => _extraArgs = extraArgs;

    /// <summary>A server with more command-line arguments, e.g. <c>--SystemImage:Metrics:Enabled=false</c>; the caller initializes and disposes it.</summary>
    public static InProcessServer WithArguments(params string[] extraArgs) => new(extraArgs);

    /// <summary>More command-line settings for the host, for a fixture subclass (see <see cref="WithArguments"/> for one-off servers).</summary>

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "si-inproc-" + Guid.NewGuid().ToString("N")[..12]);

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    /// <summary>The environment a verb in another process needs to use this server's database (none on SQLite: it is in the data directory).</summary>
    public IReadOnlyDictionary<string, string> DatabaseEnvironment =>
        _database.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);

    /// <summary>What the host logged, at the levels <c>Logging:LogLevel</c> lets through (Warning by default here).</summary>
    public CapturedLog Log { get; } = new();

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>More or replaced services, for a fixture subclass.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        TestKeys.CopyTo(Path.Combine(DataDir, "secrets"));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _app = ServerHost.Build(
            [
                "--urls", BaseAddress.ToString().TrimEnd('/'),
                "--data-dir", DataDir,
                "--SystemImage:Jobs:QueuePollIntervalSeconds=0.2",
                "--SystemImage:Jobs:SchedulePollingIntervalSeconds=1",
                "--SystemImage:Jobs:ScheduleSyncSeconds=1",
                "--Logging:LogLevel:Default=Warning",
                .. _database.Select(e => $"--{e.Key}={e.Value}"),
                .. ExtraArguments,
                .. _extraArgs,
            ],
            services => ConfigureServices(services.AddSingleton<IFileGenerator, TarballDirectoryGenerator>().AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Log)));
        try
        {
            await _app.StartAsync();
        }
        catch
        {
            // A host that fails to start (e.g. on invalid options) is cleaned up here: the caller gets only the exception.
            var pool = DatabasePool.OfStarted(_app.Services);
            await _app.DisposeAsync();
            pool?.Clear();
            Directory.Delete(DataDir, recursive: true);
            throw;
        }

        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Stops the host as a shutdown does (hosted services finish); its services stay readable until disposed.</summary>
    public Task StopAsync() => _app.StopAsync();

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        var pool = DatabasePool.Of(_app.Services);
        await _app.DisposeAsync();
        pool.Clear();
        Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>
    /// An automatic channel with device <c>mako</c> whose <c>ubuntu</c> part comes from the test generator's directory
    /// (holding build 1), then the version tarball; returns that directory.
    /// </summary>
    public async Task<string> CreateAutoChannelAsync(string channel, string? schedule = null)
    {
        var actor = new SystemImage.Core.Operations.Actor("tester", "api");
        Assert.True((await Get<SystemImage.Core.Channels.ChannelService>().CreateAsync(channel, false, actor, CancellationToken.None)).Succeeded);
        Assert.True((await Get<SystemImage.Core.Channels.DeviceService>().CreateAsync(channel, "mako", false, actor, CancellationToken.None)).Succeeded);
        var inputs = Path.Combine(DataDir, "inputs", channel);
        Directory.CreateDirectory(inputs);
        SimpleTarball.WriteBuild(Path.Combine(inputs, "all.tar.gz"), 1);
        var config = new SystemImage.Core.Importing.ImporterConfig
        {
            Type = SystemImage.Core.Persistence.Entities.ChannelType.Auto,
            Schedule = schedule,
            Files =
            [
                new ImportFile { Name = "ubuntu", Generator = TarballDirectoryGenerator.GeneratorName, Arguments = [inputs] },
                new ImportFile { Name = "version", Generator = VersionGenerator.GeneratorName },
            ],
        };
        var saved = await Get<SystemImage.Core.Importing.ImporterConfigService>().SetAsync(channel, config, actor, CancellationToken.None);
        Assert.True(saved.Succeeded, saved.Message);
        return inputs;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="seconds"/> pass.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}

/// <summary>
/// The test classes that host the server in this process. They run one after another (a collection's classes always
/// do): Hangfire keeps process-wide state (its global configuration and storage), so two hosts alive at once in one
/// process disturb each other's jobs. In production there is one host per process. The collection as a whole runs
/// beside the classes that start servers and verbs as processes of their own, which Hangfire's statics do not reach.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessServerCollection
{
    public const string Name = "in-process server";
}
