using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace SystemImage.Server.Hosting;

/// <summary>
/// The working directory's <c>appsettings.json</c> and <c>appsettings.{environment}.json</c>. .NET's hosts watch them
/// through a watcher over every folder under the working directory: all of <c>/</c> for a service started without
/// one, the whole published tree when it is the data directory, thousands of inotify watches and an event for every
/// file a publish writes. The hosts turn that watcher off (<see cref="NoDefaultWatch"/>); the server checks the two
/// files every few seconds instead (<see cref="PollForChanges"/>), so a changed log level still applies without a restart.
/// </summary>
internal static class SettingsFiles
{
    /// <summary>.NET's host setting for watching the settings files.</summary>
    public const string ReloadConfigOnChangeKey = "hostBuilder:reloadConfigOnChange";

    /// <summary>The command-line switch that turns .NET's watcher off, for a host built from arguments.</summary>
    public const string NoDefaultWatch = $"--{ReloadConfigOnChangeKey}=false";

    /// <summary>Reads the settings files again when they change, polling the files alone.</summary>
    public static void PollForChanges(IConfigurationBuilder configuration, string contentRoot)
    {
        var files = new PhysicalFileProvider(contentRoot) { UsePollingFileWatcher = true, UseActivePolling = true };
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { ReloadOnChange: false, Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.Ordinal))
            {
                sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = true, FileProvider = files };
            }
        }
    }
}
