using SystemImage.Core.Hosting;

namespace SystemImage.Server.Hosting;

/// <summary>Before the server listens: prepare the data directory and bring the tree in line with the database.</summary>
internal sealed partial class StartupRepair(DataDirectory dataDirectory, ILogger<StartupRepair> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await dataDirectory.PrepareAsync(cancellationToken);
        var report = await dataDirectory.RepairTreeAsync(cancellationToken);
        LogReady(logger, report.Written, report.Unchanged);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Tree ready: {Written} files brought up to date, {Unchanged} unchanged")]
    private static partial void LogReady(ILogger logger, int written, int unchanged);
}
