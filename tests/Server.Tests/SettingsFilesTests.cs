using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The server started in a folder with many folders under it (a data directory with its published tree, or <c>/</c>
/// for a service without a working directory) does not watch them all: it checks the working directory's
/// appsettings.json alone, and a log level changed there still applies without a restart.
/// </summary>
public sealed class SettingsFilesTests : IAsyncLifetime
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private readonly ServerProcess _server = new();

    private string SettingsFile => Path.Combine(_server.DataDir, "appsettings.json");

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            Directory.CreateDirectory(Path.Combine(_server.DataDir, "www", "pool", $"{i:x3}"));
        }

        await WriteRequestLogLevelAsync("Warning");
        await _server.StartAsync();
    }

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Fact]
    public async Task AChangedLogLevelAppliesWithoutWatchingEveryFolderUnderTheWorkingDirectory()
    {
        var watches = InotifyWatches(_server.ProcessId!.Value);
        Assert.True(watches < 50, $"the server watches {watches} folders");

        (await _server.Http.GetAsync(new Uri("/health", UriKind.Relative))).Dispose();
        Assert.DoesNotContain("Request starting", _server.Log, StringComparison.Ordinal);

        await WriteRequestLogLevelAsync("Information");
        Assert.True(await InProcessServer.EventuallyAsync(async () =>
        {
            (await _server.Http.GetAsync(new Uri("/health", UriKind.Relative))).Dispose();
            return _server.Log.Contains("Request starting HTTP/1.1 GET", StringComparison.Ordinal);
        }, 30), _server.Log);
    }

    private Task WriteRequestLogLevelAsync(string level) =>
        File.WriteAllTextAsync(SettingsFile, $$"""{ "Logging": { "LogLevel": { "{{RequestLogCategory}}": "{{level}}" } } }""");

    /// <summary>How many inotify watches the process holds (the kernel lists each as a "inotify wd:" line of its inotify descriptors).</summary>
    private static int InotifyWatches(int pid) =>
        Directory.EnumerateFiles($"/proc/{pid}/fdinfo")
            .Sum(fd =>
            {
                try
                {
                    return File.ReadLines(fd).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0; // closed meanwhile
                }
            });
}
