using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

public static class ChangeWatcherTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private static readonly Actor Tester = new("tester", "cli");

    public sealed class SubscribeAsync : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        private ChangeWatcher Watcher => _data.Get<ChangeWatcher>();

        public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

        public async Task DisposeAsync() => await _data.DisposeAsync();

        [Fact]
        public async Task SeesAnAuditedChangeCommittedThroughAnotherConnection()
        {
            var changed = new Signal();
            using var subscription = await Watcher.SubscribeAsync(changed.Raise, CancellationToken.None);
            var seen = changed.Next;

            // Another process (a verb, a second server) has its own connection to the same file.
            await using (var other = OtherProcessContext())
            {
                new AuditLog(TimeProvider.System).Record(other, Tester, "set-phased-percentage", "stable/mako", "stable", new AuditChange("version 3 at 100%", "version 3 at 50%"));
                await other.SaveChangesAsync();
            }

            await seen.WaitAsync(Soon);
        }

        [Fact]
        public async Task SeesAJobQueuedAndStartedElsewhereThoughJobsAreNotAudited()
        {
            var changed = new Signal();
            using var subscription = await Watcher.SubscribeAsync(changed.Raise, CancellationToken.None);
            await using var other = OtherProcessContext();

            var run = new ImportRun { Channel = "stable", Trigger = "cli", Actor = "tester", QueuedAt = DateTimeOffset.UtcNow };
            var queued = changed.Next;
            other.ImportRuns.Add(run);
            await other.SaveChangesAsync();
            await queued.WaitAsync(Soon);
            var started = changed.Next;
            run.State = ImportRunState.Running;
            await other.SaveChangesAsync();
            await started.WaitAsync(Soon);
        }

        [Fact]
        public async Task SeesAChangeMadeThroughACoreServiceInThisProcess()
        {
            var changed = new Signal();
            using var subscription = await Watcher.SubscribeAsync(changed.Raise, CancellationToken.None);
            var seen = changed.Next;

            Assert.True((await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);

            await seen.WaitAsync(Soon);
        }

        [Fact]
        public async Task TellsNobodyWhileNothingChangesNorOfChangesBeforeTheSubscription()
        {
            Assert.True((await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
            var changed = new Signal();
            using var subscription = await Watcher.SubscribeAsync(changed.Raise, CancellationToken.None);

            await Task.Delay(ChangeWatcher.PollInterval * 3);

            Assert.Equal(0, changed.Count);
        }

        [Fact]
        public async Task PollsOnlyWhileSomeoneListensAndStopsTellingThoseWhoLeft()
        {
            Assert.False(Watcher.Polling);
            var (staying, leaving) = (new Signal(), new Signal());
            using var stays = await Watcher.SubscribeAsync(staying.Raise, CancellationToken.None);
            var leaves = await Watcher.SubscribeAsync(leaving.Raise, CancellationToken.None);
            Assert.Equal((true, 2), (Watcher.Polling, Watcher.Listeners));

            leaves.Dispose();
            var seen = staying.Next;
            Assert.True((await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, CancellationToken.None)).Succeeded);
            await seen.WaitAsync(Soon);
            stays.Dispose();

            Assert.Equal((false, 0, 0), (Watcher.Polling, Watcher.Listeners, leaving.Count));
        }

        private SystemImageDbContext OtherProcessContext() => _data.Options.Database.IsPostgreSql
            ? new PostgreSqlDbContext(new DbContextOptionsBuilder<PostgreSqlDbContext>().UseNpgsql($"{_data.Options.Database.ConnectionString};Pooling=False").Options)
            : new SystemImageDbContext(new DbContextOptionsBuilder<SystemImageDbContext>().UseSqlite($"Data Source={_data.Options.DatabasePath};Pooling=False").Options);
    }

    /// <summary>Counts notifications; <see cref="Next"/> completes at the next one.</summary>
    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Raise()
        {
            Interlocked.Increment(ref _count);
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
        }
    }
}
