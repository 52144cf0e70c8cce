using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Audit;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

/// <summary>Runs held by leases that any process can judge, and cancelled from any process.</summary>
public sealed class ImportRunsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Alice = new("alice", "ui");

    /// <summary>Work that, once started, waits until <paramref name="release"/> completes or it is cancelled.</summary>
    private static Func<IImportReporter, CancellationToken, Task<OperationResult>> Until(TaskCompletionSource started, Task release) => async (_, token) =>
    {
        started.TrySetResult();
        await release.WaitAsync(token);
        return OperationResult.Ok("Done.");
    };

    /// <summary>A data directory with short leases, a fake background job queue and the gate generator.</summary>
    public abstract class WithRuns : IAsyncLifetime
    {
        private protected FakeJobQueue Queue { get; } = new();

        private protected GateGenerator Gate { get; } = new();

        private protected ImportFixture F { get; private set; } = null!;

        protected ImportRuns Runs => F.Data.Get<ImportRuns>();

        public async Task InitializeAsync() => F = await ImportFixture.CreateAsync(
            new Dictionary<string, string?> { ["SystemImage:Import:RunLeaseSeconds"] = "2", ["SystemImage:Import:RunHeartbeatSeconds"] = "0.1" },
            services => services.AddSingleton<IJobQueue>(Queue).AddSingleton<IFileGenerator>(Gate));

        public async Task DisposeAsync() => await F.DisposeAsync();

        /// <summary>A run as a process may have left it behind.</summary>
        protected async Task<int> AddAsync(ImportRunState state, TimeSpan? leaseFromNow, string? runner = null, string? jobId = null)
        {
            await using var db = await F.Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
            var run = new ImportRun
            {
                Channel = "devel",
                Trigger = "schedule",
                Actor = "system (job)",
                State = state,
                Runner = runner,
                JobId = jobId,
                QueuedAt = DateTimeOffset.UtcNow,
                LeaseUntil = DateTimeOffset.UtcNow + leaseFromNow,
            };
            db.ImportRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Id;
        }

        protected async Task<ImportRun> GetAsync(int runId) => (await Runs.GetAsync(runId, None))!;

        /// <summary>
        /// An import of devel running in <paramref name="runs"/> and held at the publish lock, which the returned handle
        /// holds until disposed: it is running but cannot get anywhere.
        /// </summary>
        private protected async Task<(int RunId, Task<ImportOutcome> Import, IAsyncDisposable Lock)> HeldImportAsync()
        {
            var held = await F.Data.Get<PublishLock>().AcquireAsync(None);
            var runId = await Runs.QueueAsync("devel", "import-now", Alice, None);
            var import = Runs.RunAsync(runId, ImportFixture.Tester, None);
            while ((await GetAsync(runId)).State != ImportRunState.Running)
            {
                await Task.Delay(20);
            }

            return (runId, import, held);
        }
    }

    public sealed class FailInterrupted : WithRuns
    {
        private static readonly TimeSpan Passed = TimeSpan.FromSeconds(-5);
        private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);

        [Fact]
        public async Task ARunningJobWhoseLeaseHasPassedIsFailedWhateverProcessItNames()
        {
            var thisProcess = await AddAsync(ImportRunState.Running, Passed, $"{Environment.MachineName}:{Environment.ProcessId}");
            var pidOneAgain = await AddAsync(ImportRunState.Running, Passed, $"{Environment.MachineName}:1");
            var newHostName = await AddAsync(ImportRunState.Running, Passed, "3f9c2a1b7d0e:1");
            var beforeLeases = await AddAsync(ImportRunState.Running, null, $"{Environment.MachineName}:{Environment.ProcessId}");

            var failed = await Runs.FailInterruptedAsync(None);

            Assert.Equal([thisProcess, pidOneAgain, newHostName, beforeLeases], failed.Order());
            var run = await GetAsync(pidOneAgain);
            Assert.Equal(ImportRunState.Failed, run.State);
            Assert.StartsWith("Interrupted: the process running it stopped", run.Summary);
            Assert.Contains("Interrupted", run.Log);
            Assert.NotNull(run.FinishedAt);
        }

        [Fact]
        public async Task ARunningJobWithAFreshLeaseIsKeptThoughTheProcessItNamesIsGone()
        {
            var running = await AddAsync(ImportRunState.Running, Fresh, $"{Environment.MachineName}:999999");

            Assert.Empty(await Runs.FailInterruptedAsync(None));
            Assert.Equal(ImportRunState.Running, (await GetAsync(running)).State);
        }

        [Fact]
        public async Task ARunningJobWhoseLeaseFileStillBeatsIsKeptThoughTheDatabaseLeasePassed()
        {
            // The database was held by a long write transaction; the process beat its lease file meanwhile.
            var running = await AddAsync(ImportRunState.Running, Passed);
            F.Data.Get<RunLeases>().TouchLeaseFile(running);

            Assert.Empty(await Runs.FailInterruptedAsync(None));
            Assert.Equal(ImportRunState.Running, (await GetAsync(running)).State);
        }

        [Fact]
        public async Task AQueuedJobIsFailedOnceItsLeaseHasPassedUnlessItsBackgroundJobStillWaits()
        {
            var queuedByAGoneProcess = await AddAsync(ImportRunState.Queued, Passed);
            var jobGone = await AddAsync(ImportRunState.Queued, Passed, jobId: "17");
            var jobWaiting = await AddAsync(ImportRunState.Queued, Passed, jobId: "18");
            var justQueued = await AddAsync(ImportRunState.Queued, Fresh);
            Queue.Waiting["18"] = true;

            var failed = await Runs.FailInterruptedAsync(None);

            Assert.Equal([queuedByAGoneProcess, jobGone], failed.Order());
            Assert.Equal("Interrupted: the process that queued it stopped before running it.", (await GetAsync(queuedByAGoneProcess)).Summary);
            Assert.Equal("Interrupted: its background job 17 no longer exists or ended without running it.", (await GetAsync(jobGone)).Summary);
            Assert.Equal([ImportRunState.Queued, ImportRunState.Queued], [(await GetAsync(jobWaiting)).State, (await GetAsync(justQueued)).State]);
        }

        [Fact]
        public async Task NeitherTheChannelsScheduleNorTheJobListingSeeAJobNobodyHolds()
        {
            var running = await AddAsync(ImportRunState.Running, Passed);

            Assert.Null(await Runs.ActiveRunAsync("devel", None));
            var queued = await AddAsync(ImportRunState.Queued, Passed);
            var listed = await F.Data.Get<ImportRunQueries>().RecentAsync("devel", null, 10, None);

            Assert.Equal([(queued, ImportRunState.Failed), (running, ImportRunState.Failed)], listed.Select(r => (r.Id, r.State)));
        }

        [Fact]
        public async Task ARunningJobKeepsItsLeaseWhileItWorks()
        {
            var (started, release) = (new TaskCompletionSource(), new TaskCompletionSource());
            var id = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
            var work = Runs.RunWorkAsync(id, Until(started, release.Task), None);
            await started.Task;

            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.Empty(await Runs.FailInterruptedAsync(None));
            var run = await GetAsync(id);
            Assert.Equal(ImportRunState.Running, run.State);
            Assert.True(run.LeaseUntil > DateTimeOffset.UtcNow);
            release.SetResult();
            Assert.True((await work.WaitAsync(TimeSpan.FromSeconds(10))).Succeeded);
            Assert.Null((await GetAsync(id)).LeaseUntil);
        }
    }

    public sealed class Cancel : WithRuns
    {
        [Fact]
        public async Task AQueuedJobIsCancelledAtOnceItsBackgroundJobDeletedAndItNeverRuns()
        {
            await F.CreateAsync("devel", "mako");
            await F.ConfigureAsync("devel", F.Auto());
            F.WriteBuild("ubuntu", 1);
            F.WriteBuild("device", 1);
            var id = await Runs.QueueAsync("devel", "import-now", Alice, None);
            await Runs.SetJobIdAsync(id, "42", None);
            Queue.Waiting["42"] = true;

            var (result, run) = await Runs.CancelAsync(id, Alice, None);

            Assert.True(result.Succeeded, result.Message);
            Assert.Equal($"Cancelled job {id} (the import of devel) before it started.", result.Message);
            Assert.Equal((ImportRunState.Cancelled, "Cancelled by alice (ui) before it started."), (run!.State, run.Summary));
            Assert.Equal(["42"], Queue.Deleted);
            var outcome = await Runs.RunAsync(id, ImportFixture.Tester, None);
            Assert.False(outcome.Result.Succeeded);
            Assert.Contains("was not run: it is cancelled", outcome.Result.Message);
            Assert.Equal(ImportRunState.Cancelled, (await GetAsync(id)).State);
            Assert.Empty(F.Images("devel", "mako"));
            var audit = (await F.Data.Get<AuditQueries>().ListAsync("devel", null, 10, None))[0];
            Assert.Equal(("alice", "ui", "cancel-job", $"job {id}"), (audit.Actor, audit.Surface, audit.Action, audit.Target));
        }

        [Fact]
        public async Task ARunningImportStopsAtItsNextStepAndIsRecordedAsCancelledByWhoAskedForIt()
        {
            var (id, import, held) = await HeldImportAsync();
            await using (held)
            {
                var (result, run) = await Runs.CancelAsync(id, Alice, None);

                Assert.True(result.Succeeded, result.Message);
                Assert.StartsWith($"Cancelling job {id} (the import of devel)", result.Message);
                Assert.Equal((ImportRunState.Running, "alice (ui)"), (run!.State, run.CancelRequestedBy));
                var outcome = await import.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.False(outcome.Result.Succeeded);
            }

            var done = await GetAsync(id);
            Assert.Equal((ImportRunState.Cancelled, "Cancelled by alice (ui); images committed before the cancellation stay published."), (done.State, done.Summary));
            Assert.Contains("Cancel asked for by alice (ui).", done.Log);
            Assert.Null(done.LeaseUntil);
        }

        [Fact]
        public async Task AnImportRunningInAnotherProcessIsStoppedByItsHeartbeat()
        {
            // A second ImportRuns knows nothing of the first one's jobs, as in another process: only the database links them.
            var elsewhere = ActivatorUtilities.CreateInstance<ImportRuns>(F.Data.Services);
            var (id, import, held) = await HeldImportAsync();
            await using (held)
            {
                var (result, _) = await elsewhere.CancelAsync(id, new Actor("bob", "cli"), None);

                Assert.True(result.Succeeded, result.Message);
                await import.WaitAsync(TimeSpan.FromSeconds(10));
            }

            Assert.StartsWith("Cancelled by bob (cli)", (await GetAsync(id)).Summary);
        }

        [Fact]
        public async Task ARunningReSignOrKeyRotationIsNotStoppedHalfWayButAQueuedOneIsCancelled()
        {
            var (started, release) = (new TaskCompletionSource(), new TaskCompletionSource());
            var running = await Runs.QueueAsync("", "rotate image-signing", Alice, None, ImportRun.RotateKind);
            var queued = await Runs.QueueAsync("", "resign", Alice, None, ImportRun.ResignKind);
            var work = Runs.RunWorkAsync(running, Until(started, release.Task), None);
            await started.Task;

            var (refused, _) = await Runs.CancelAsync(running, Alice, None);
            var (cancelled, _) = await Runs.CancelAsync(queued, Alice, None);

            Assert.Equal(OperationStatus.Conflict, refused.Status);
            Assert.Contains("cannot be stopped half-way", refused.Message);
            Assert.True(cancelled.Succeeded, cancelled.Message);
            release.SetResult();
            Assert.True((await work.WaitAsync(TimeSpan.FromSeconds(10))).Succeeded);
            Assert.Equal(ImportRunState.Succeeded, (await GetAsync(running)).State);
        }

        [Fact]
        public async Task AFinishedJobCannotBeCancelledAndAnUnknownOneIsNotFound()
        {
            var skipped = await Runs.RecordSkippedAsync("devel", "schedule", Actor.System, "Busy.", None);

            var (finished, run) = await Runs.CancelAsync(skipped, Alice, None);
            var (unknown, none) = await Runs.CancelAsync(999999, Alice, None);

            Assert.Equal((OperationStatus.Conflict, ImportRunState.Skipped), (finished.Status, run!.State));
            Assert.Contains("has already ended (skipped)", finished.Message);
            Assert.Equal((OperationStatus.NotFound, "There is no job 999999.", null), (unknown.Status, unknown.Message, none));
        }

        [Fact]
        public async Task ACancelDuringTheHeavyPreparationLeavesTheTreeAsItWas()
        {
            await ConfigureGatedAsync("mako");
            var before = F.Snapshot();
            var id = await Runs.QueueAsync("devel", "import-now", Alice, None);
            var import = Runs.RunAsync(id, ImportFixture.Tester, None);
            await Gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

            await Runs.CancelAsync(id, Alice, None);

            var outcome = await import.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(outcome.Published);
            Assert.Equal(before, F.Snapshot());
            var done = await GetAsync(id);
            Assert.Equal(ImportRunState.Cancelled, done.State);
            Assert.Equal("Cancelled by alice (ui); images committed before the cancellation stay published.", done.Summary);
        }

        [Fact]
        public async Task ACancelAfterOneDeviceWasCommittedPublishesThatDeviceWholeAndNothingOfTheNext()
        {
            await ConfigureGatedAsync("flo", "mako");
            var id = await Runs.QueueAsync("devel", "import-now", Alice, None);
            var import = Runs.RunAsync(id, ImportFixture.Tester, None);
            await Gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

            await Runs.CancelAsync(id, Alice, None);

            await import.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(["full 1"], F.Entries("devel", "flo"));
            Assert.Empty(F.Images("devel", "mako"));
            var check = await F.Data.Get<TreeMaintenance>().CheckAsync(None);
            Assert.Equal((0, 0), (check.Missing.Count, check.Orphaned.Count));
            Assert.Equal(ImportRunState.Cancelled, (await GetAsync(id)).State);
        }

        /// <summary>An automatic channel "devel" with <paramref name="devices"/>, whose import is held at the gate for mako.</summary>
        private async Task ConfigureGatedAsync(params string[] devices)
        {
            await F.CreateAsync("devel", devices);
            F.WriteBuild("ubuntu", 1);
            await F.ConfigureAsync("devel", F.Auto() with
            {
                Files =
                [
                    ImportFixture.File("ubuntu", GateGenerator.GeneratorName, F.Inputs("ubuntu"), "mako"),
                    ImportFixture.File("version", VersionGenerator.GeneratorName),
                ],
            });
        }
    }
}
