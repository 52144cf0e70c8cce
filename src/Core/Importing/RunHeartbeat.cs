using Microsoft.Extensions.Logging;

namespace SystemImage.Core.Importing;

/// <summary>
/// Beats for one running job until disposed: renews its lease every <see cref="ImportOptions.RunHeartbeatSeconds"/> and
/// cancels <see cref="Token"/> (the token the work runs with) when a cancel was asked for from any process, when the
/// job was ended by someone else, or at once through <see cref="Stop"/> (a cancel asked for in this process).
/// </summary>
internal sealed partial class RunHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenSource _beats = new();
    private readonly Task _loop;

    public RunHeartbeat(RunLeases leases, int runId, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        _work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        leases.TouchLeaseFile(runId);
        _loop = BeatAsync(leases, runId, interval, time, logger);
    }

    /// <summary>The work's token: cancelled by the caller's token, a cancel, or the job ending elsewhere.</summary>
    public CancellationToken Token => _work.Token;

    /// <summary>Stops the work now.</summary>
    public void Stop()
    {
        try
        {
            _work.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job has just ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _beats.CancelAsync();
        await _loop;
        _beats.Dispose();
        _work.Dispose();
    }

    private async Task BeatAsync(RunLeases leases, int runId, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        while (!_beats.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, _beats.Token);
                if (!await leases.RenewAsync(runId, _beats.Token))
                {
                    LogStopping(logger, runId);
                    Stop();
                    return;
                }
            }
            catch (OperationCanceledException) when (_beats.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A beat that could not read the database; the lease file has beaten, and the next beat tries again.
                LogBeatFailed(logger, e, runId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping job {RunId}: a cancel was asked for, or it was ended elsewhere")]
    private static partial void LogStopping(ILogger logger, int runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A heartbeat of job {RunId} failed")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception, int runId);
}
