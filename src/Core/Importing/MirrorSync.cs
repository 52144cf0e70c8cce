using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SystemImage.Core.Importing;

/// <summary>
/// Runs the configured mirror-sync command after an import published something (SPEC §5 step 6). Its exit status is
/// logged; a failure never undoes the publish.
/// </summary>
public sealed partial class MirrorSync(IOptions<ImportOptions> options, ILogger<MirrorSync> logger)
{
    /// <summary>Runs the command; returns one line saying how it went, or null when no command is configured.</summary>
    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.MirrorSyncCommand))
        {
            return null;
        }

        var start = new ProcessStartInfo(settings.MirrorSyncCommand)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in settings.MirrorSyncArguments)
        {
            start.ArgumentList.Add(argument);
        }

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
                line = $"Mirror sync '{settings.MirrorSyncCommand}' did not finish within {settings.MirrorSyncTimeoutSeconds} s and was killed";
                LogMirrorSync(logger, LogLevel.Warning, line);
                return line;
            }

            var stderr = (await errors).Trim();
            await output;
            line = process.ExitCode == 0
                ? $"Mirror sync '{settings.MirrorSyncCommand}' finished (exit 0)"
                : $"Mirror sync '{settings.MirrorSyncCommand}' failed with exit {process.ExitCode}{(stderr.Length == 0 ? "" : $": {LastLine(stderr)}")}";
            LogMirrorSync(logger, process.ExitCode == 0 ? LogLevel.Information : LogLevel.Warning, line);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            line = $"Mirror sync '{settings.MirrorSyncCommand}' could not start: {e.Message}";
            LogMirrorSync(logger, LogLevel.Warning, line);
        }

        return line;
    }

    private static string LastLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[^1];

    [LoggerMessage(Message = "{Line}")]
    private static partial void LogMirrorSync(ILogger logger, LogLevel level, string line);
}
