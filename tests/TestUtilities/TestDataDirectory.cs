using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SystemImage.Core;
using SystemImage.Core.Configuration;
using SystemImage.Core.Hosting;
using Microsoft.Extensions.Options;

namespace SystemImage.TestUtilities;

/// <summary>
/// A throwaway data directory (real SQLite file, real publish root, a copy of a shared test key set) with the
/// core services built over it. Dispose deletes it.
/// </summary>
public sealed class TestDataDirectory : IAsyncDisposable
{
    private readonly IHost _host;

    private TestDataDirectory(string path, IHost host)
    {
        Path = path;
        _host = host;
    }

    public string Path { get; }

    public IServiceProvider Services => _host.Services;

    public SystemImageOptions Options => Services.GetRequiredService<IOptions<SystemImageOptions>>().Value;

    public string PublishRoot => Options.PublishRootFullPath;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates the directory, migrates the database and publishes an empty signed tree.</summary>
    /// <param name="settings">Configuration on top of the test defaults.</param>
    /// <param name="services">More services, e.g. a test-only file generator.</param>
    public static async Task<TestDataDirectory> CreateAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "si-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        TestKeys.CopyTo(System.IO.Path.Combine(path, "secrets"));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = path });
        var config = new Dictionary<string, string?>
        {
            ["SystemImage:DataDir"] = path,
            ["SystemImage:PublicHost"] = "system-image.example.com",
        };
        foreach (var (key, value) in TestDatabase.NewSettings())
        {
            config[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSystemImageCore(builder.Configuration);
        services?.Invoke(builder.Services);
        // The host provides password hashing; tests that do not bring their own get a fast one.
        builder.Services.TryAddSingleton<SystemImage.Core.Security.IPasswordHashing, FastPasswordHashing>();
        var host = builder.Build();
        var directory = new TestDataDirectory(path, host);
        var data = host.Services.GetRequiredService<DataDirectory>();
        await data.PrepareAsync(CancellationToken.None);
        await data.RepairTreeAsync(CancellationToken.None);
        return directory;
    }

    /// <summary>Full path of a tree path such as <c>/stable/mako/index.json</c>.</summary>
    public string File(string treePath) => System.IO.Path.Combine(PublishRoot, treePath.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        var pool = DatabasePool.Of(Services);
        if (_host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }

        pool.Clear();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing background task; the OS temp cleaner gets it.
        }
    }
}
