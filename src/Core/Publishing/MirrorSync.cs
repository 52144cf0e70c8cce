using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Importing;

namespace SystemImage.Core.Publishing;

/// <summary>
/// Runs the configured mirror-sync command (<see cref="ImportOptions.MirrorSyncCommand"/>) when the tree changed, and
/// tells it what changed since its last successful run: <c>SYSTEMIMAGE_CHANGED</c> names a file listing the changed
/// paths (relative to <c>SYSTEMIMAGE_PUBLISH_ROOT</c>) in the order a mirror must receive them, pool files first and
/// channels.json last; <c>SYSTEMIMAGE_REMOVED</c> names a file listing the paths the tree no longer has. What the
/// command was last told is kept (<c>state/mirror-sync/manifest</c>) only when it exits 0, so a failed or killed
/// sync is told the same changes again next time. A failure is logged; it never undoes a publish.
/// An import runs it at its end and logs how it went (<see cref="RunAsync"/>); every other publish of the server
/// asks for a run in the background (<see cref="Request"/>), which the host runs and repeats on an interval, so a
/// verb's publish in another process reaches the mirrors too. One run at a time.
/// </summary>
public sealed partial class MirrorSync(IOptions<ImportOptions> importOptions, IOptions<SystemImageOptions> options, ILogger<MirrorSync> logger) : IDisposable
{
    /// <summary>How long a background run waits after a request, so the publishes of one change are synced together.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _requested = new(0, 1);
    private volatile bool _background;

    private string Directory => Path.Combine(options.Value.StateDir, "mirror-sync");

    private string ManifestPath => Path.Combine(Directory, "manifest");

    /// <summary>Whether a command is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(importOptions.Value.MirrorSyncCommand);

    /// <summary>Asks the background loop (when the host runs one) for a run soon; a verb's process has none.</summary>
    public void Request()
    {
        if (_background && Enabled && _requested.CurrentCount == 0)
        {
            try
            {
                _requested.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already requested.
            }
        }
    }

    /// <summary>
    /// Runs the command now if the tree changed since its last successful run (or always, with <paramref name="everything"/>,
    /// telling it every file); returns one line saying how it went, or null when no command is configured.
    /// </summary>
    public async Task<string?> RunAsync(bool everything, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(everything, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The host's loop: a run after each <see cref="Request"/> (once it settled) and every <paramref name="interval"/>
    /// (which finds nothing to do unless a verb published, or the last run failed).
    /// </summary>
    public async Task RunInBackgroundAsync(TimeSpan interval, CancellationToken stopping)
    {
        _background = true;
        try
        {
            // A first look at start-up: what changed while the server was down (a verb's publish) reaches the mirrors.
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(Settle, stopping);
                try
                {
                    await RunAsync(everything: false, stopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogBackgroundFailed(logger, e);
                }

                await _requested.WaitAsync(interval, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _background = false;
        }
    }

    private async Task<string> RunLockedAsync(bool everything, CancellationToken cancellationToken)
    {
        var settings = importOptions.Value;
        var root = options.Value.PublishRootFullPath;
        var last = TreeManifest.Load(ManifestPath);
        var now = TreeManifest.Scan(root, last);
        var (changed, removed) = now.Since(everything ? TreeManifest.Empty : last);
        if (changed.Count == 0 && removed.Count == 0)
        {
            return "Mirror sync: nothing changed since the last sync";
        }

        var changedList = Path.Combine(Directory, "changed");
        var removedList = Path.Combine(Directory, "removed");
        Storage.PrivatePaths.CreateDirectory(Directory);
        await File.WriteAllLinesAsync(changedList, changed, cancellationToken);
        await File.WriteAllLinesAsync(removedList, removed, cancellationToken);

        var start = new ProcessStartInfo(settings.MirrorSyncCommand!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in settings.MirrorSyncArguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SYSTEMIMAGE_PUBLISH_ROOT"] = root;
        start.Environment["SYSTEMIMAGE_CHANGED"] = changedList;
        start.Environment["SYSTEMIMAGE_REMOVED"] = removedList;
        var what = $"{changed.Count} changed, {removed.Count} removed";
        string line;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.MirrorSyncTimeoutSeconds));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                line = $"Mirror sync '{settings.MirrorSyncCommand}' ({what}) did not finish within {settings.MirrorSyncTimeoutSeconds} s and was killed";
                LogMirrorSync(logger, LogLevel.Warning, line);
                return line;
            }

            var stderr = (await errors).Trim();
            await output;
            if (process.ExitCode == 0)
            {
                now.Save(ManifestPath);
                line = $"Mirror sync '{settings.MirrorSyncCommand}' finished (exit 0; {what})";
            }
            else
            {
                line = $"Mirror sync '{settings.MirrorSyncCommand}' ({what}) failed with exit {process.ExitCode}{(stderr.Length == 0 ? "" : $": {LastLine(stderr)}")}";
            }

            LogMirrorSync(logger, process.ExitCode == 0 ? LogLevel.Information : LogLevel.Warning, line);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            line = $"Mirror sync '{settings.MirrorSyncCommand}' could not start: {e.Message}";
            LogMirrorSync(logger, LogLevel.Warning, line);
        }

        return line;
    }

    public void Dispose()
    {
        _gate.Dispose();
        _requested.Dispose();
    }

    private static string LastLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[^1];

    [LoggerMessage(Message = "{Line}")]
    private static partial void LogMirrorSync(ILogger logger, LogLevel level, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "The background mirror sync failed")]
    private static partial void LogBackgroundFailed(ILogger logger, Exception exception);
}
