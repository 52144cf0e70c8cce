using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Importing;

public static class ImportRunQueriesTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Tester = new("tester", "ui");

    public sealed class RecentAsync : IAsyncLifetime
    {
        private TestDataDirectory _data = null!;

        public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync();

        public async Task DisposeAsync() => await _data.DisposeAsync();

        private ImportRuns Runs => _data.Get<ImportRuns>();

        private ImportRunQueries Queries => _data.Get<ImportRunQueries>();

        [Fact]
        public async Task ListsNewestFirstWithoutLogs()
        {
            var first = await Runs.RecordSkippedAsync("devel", "schedule", Tester, "Another run is still going.", None);
            var second = await Runs.QueueAsync("stable", "import-now", Tester, None);

            var runs = await Queries.RecentAsync(null, null, 10, None);

            Assert.Equal([second, first], runs.Select(r => r.Id));
            Assert.Equal(("devel", ImportRunState.Skipped, "Another run is still going.", "tester (ui)"), (runs[1].Channel, runs[1].State, runs[1].Summary, runs[1].Actor));
            Assert.All(runs, r => Assert.Equal("", r.Log));
            Assert.Contains("Another run is still going.", (await Runs.GetAsync(first, None))!.Log);
        }

        [Fact]
        public async Task FiltersByChannelWithTheEmptyNameForTreeWideJobs()
        {
            var devel = await Runs.QueueAsync("devel", "import-now", Tester, None);
            await Runs.QueueAsync("stable", "import-now", Tester, None);
            var resign = await Runs.QueueAsync("", "resign", Tester, None, ImportRun.ResignKind);

            Assert.Equal([devel], (await Queries.RecentAsync("devel", null, 10, None)).Select(r => r.Id));
            Assert.Equal([resign], (await Queries.RecentAsync("", null, 10, None)).Select(r => r.Id));
        }

        [Fact]
        public async Task FiltersByStateAndHonoursTheLimit()
        {
            var skipped = await Runs.RecordSkippedAsync("devel", "schedule", Tester, "Busy.", None);
            var queued = await Runs.QueueAsync("devel", "import-now", Tester, None);
            var newest = await Runs.QueueAsync("stable", "import-now", Tester, None);

            Assert.Equal([skipped], (await Queries.RecentAsync(null, [ImportRunState.Skipped], 10, None)).Select(r => r.Id));
            Assert.Equal([newest, queued], (await Queries.RecentAsync(null, [ImportRunState.Queued, ImportRunState.Running], 10, None)).Select(r => r.Id));
            Assert.Equal([newest], (await Queries.RecentAsync(null, [], 1, None)).Select(r => r.Id));
        }
    }
}
