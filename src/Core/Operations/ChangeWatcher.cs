using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Operations;

/// <summary>
/// Tells live views that the data may have changed, whoever changed it: this process, a command-line verb or a second
/// server on the same database. While anyone listens it reads a <see cref="ChangeMarker"/> every
/// <see cref="PollInterval"/> and raises the listeners when the marker moved; with no listener it does not poll.
/// </summary>
public sealed partial class ChangeWatcher(IDbContextFactory<SystemImageDbContext> dbFactory, TimeProvider time, ILogger<ChangeWatcher> logger) : IDisposable
{
    /// <summary>How often the database is asked while someone listens: pages are at most about this much behind.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<Subscription> _listeners = [];
    private CancellationTokenSource? _polling;

    /// <summary>The number of listeners (for tests and diagnostics).</summary>
    public int Listeners
    {
        get
        {
            lock (_lock)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="changed"/> (on a pool thread) each time the data changes after this call, until the
    /// returned handle is disposed. The callback should only hand over to its own context (a component's
    /// <c>InvokeAsync</c>). The marker is read before the subscription starts, so a change made while the caller
    /// loads its data right after is not missed.
    /// </summary>
    public async Task<IDisposable> SubscribeAsync(Action changed, CancellationToken cancellationToken)
    {
        var subscription = new Subscription(this, changed, await ReadMarkerAsync(cancellationToken));
        lock (_lock)
        {
            _listeners.Add(subscription);
            if (_polling is null)
            {
                _polling = new CancellationTokenSource();
                _ = PollAsync(_polling);
            }
        }

        return subscription;
    }

    /// <summary>Whether a poll loop runs (only while there are listeners).</summary>
    internal bool Polling
    {
        get
        {
            lock (_lock)
            {
                return _polling is not null;
            }
        }
    }

    /// <summary>The current marker, read from the database.</summary>
    public async Task<ChangeMarker> ReadMarkerAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lastAudit = await db.AuditEntries.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
        var lastRun = await db.ImportRuns.MaxAsync(r => (int?)r.Id, cancellationToken) ?? 0;
        var queued = await db.ImportRuns.CountAsync(r => r.State == ImportRunState.Queued, cancellationToken);
        var running = await db.ImportRuns.CountAsync(r => r.State == ImportRunState.Running, cancellationToken);
        return new ChangeMarker(lastAudit, lastRun, queued, running);
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_lock)
        {
            if (_listeners.Remove(subscription) && _listeners.Count == 0 && _polling is { } polling)
            {
                _polling = null;
                polling.Cancel();
            }
        }
    }

    /// <summary>Stops polling (the host is shutting down); listeners are not told of anything after this.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _listeners.Clear();
            _polling?.Cancel();
            _polling = null;
        }
    }

    // One loop per period with listeners; it owns its token source and disposes it once cancelled.
    private async Task PollAsync(CancellationTokenSource polling)
    {
        using var owned = polling;
        var token = polling.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, time, token);
                Raise(await ReadMarkerAsync(token));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A busy or briefly unavailable database must not end live updates: try again next time.
                LogPollFailed(logger, e);
                await Task.Delay(PollInterval, time, CancellationToken.None);
            }
        }
    }

    // Each listener remembers the marker it last saw, so one that joined after a change is not told of it.
    private void Raise(ChangeMarker marker)
    {
        Subscription[] listeners;
        lock (_lock)
        {
            listeners = [.. _listeners.Where(l => l.Seen != marker)];
            foreach (var listener in listeners)
            {
                listener.Seen = marker;
            }
        }

        foreach (var listener in listeners)
        {
            try
            {
                listener.Changed();
            }
            catch (Exception e)
            {
                LogListenerFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the change marker; live pages try again shortly")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change listener failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception);

    private sealed class Subscription(ChangeWatcher watcher, Action changed, ChangeMarker seen) : IDisposable
    {
        private int _disposed;

        public Action Changed => changed;

        /// <summary>The marker of the last change this listener was told of (or of its start); guarded by the watcher's lock.</summary>
        public ChangeMarker Seen { get; set; } = seen;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watcher.Unsubscribe(this);
            }
        }
    }
}
