using Microsoft.Extensions.Options;
using SystemImage.Core.Adoption;

namespace SystemImage.Server.Adoption;

/// <summary>
/// Writes the download counts kept in memory to the database every <see cref="AdoptionOptions.FlushSeconds"/>, and
/// once more when the host stops, so a clean shutdown loses nothing (a kill -9 loses the last interval's counts).
/// </summary>
internal sealed class DownloadFlushService(DownloadFlusher flusher, IOptions<AdoptionOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await flusher.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await flusher.FlushAsync(CancellationToken.None);
    }
}
