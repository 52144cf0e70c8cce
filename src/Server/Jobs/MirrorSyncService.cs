using Microsoft.Extensions.Options;
using SystemImage.Core.Importing;
using SystemImage.Core.Publishing;

namespace SystemImage.Server.Jobs;

/// <summary>Runs the mirror-sync command in the background after the server's publishes and on an interval, when one is configured.</summary>
public sealed class MirrorSyncService(MirrorSync mirrorSync, IOptions<ImportOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        mirrorSync.Enabled
            ? mirrorSync.RunInBackgroundAsync(TimeSpan.FromSeconds(options.Value.MirrorSyncIntervalSeconds), stoppingToken)
            : Task.CompletedTask;
}
