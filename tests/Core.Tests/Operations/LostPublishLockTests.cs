using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;
using SystemImage.Core.Tests.Publishing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Operations;

/// <summary>
/// On PostgreSQL the publish lock lives as long as its database session: a change whose lock session ends under it
/// (the database restarted, the connection cut) stops before its commit, commits nothing, writes nothing, and the
/// next change goes ahead.
/// </summary>
public sealed class LostPublishLockTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Tester = new("tests", "cli");
    private readonly string _database = TestPostgres.Instance.CreateDatabase();
    private TestDataDirectory _data = null!;

    public async Task InitializeAsync() => _data = await TestDataDirectory.CreateAsync(new Dictionary<string, string?>
    {
        ["SystemImage:Database:Provider"] = "PostgreSql",
        ["SystemImage:Database:ConnectionString"] = _database,
    });

    /// <summary>Disposing the data directory gives its database back (TestDataDirectory).</summary>
    public async Task DisposeAsync() => await _data.DisposeAsync();

    [Fact]
    public async Task AChangeWhoseLockSessionEndsCommitsNothingAndTheNextChangeGoesAhead()
    {
        Assert.True((await _data.Get<ChannelService>().CreateAsync("stable", false, Tester, None)).Succeeded);
        var channelsJson = await File.ReadAllBytesAsync(_data.File(TreeLayout.ChannelsJson));

        var lost = await Assert.ThrowsAsync<PublishLockLostException>(() => _data.Get<TreeMutator>().MutateAsync(async db =>
        {
            db.Channels.Add(new Channel { Name = "devel", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(None);
            Assert.True(await PublishLockTests.TerminateHolderAsync(_database), "the change holds the advisory lock");
            return new Mutation(OperationResult.Ok("Created channel 'devel'."), PublishRequest.ChannelsOnly);
        }, None));

        Assert.Contains("Try again.", lost.Message, StringComparison.Ordinal);
        await using (var db = await _data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync(None))
        {
            Assert.Equal(["stable"], await db.Channels.Select(c => c.Name).ToListAsync(None));
            Assert.Empty(await db.PendingPublishes.ToListAsync(None));
        }

        Assert.Equal(channelsJson, await File.ReadAllBytesAsync(_data.File(TreeLayout.ChannelsJson)));
        var next = await _data.Get<ChannelService>().CreateAsync("devel", false, Tester, None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(next.Succeeded, next.Message);
        Assert.Contains("\"devel\"", await File.ReadAllTextAsync(_data.File(TreeLayout.ChannelsJson)), StringComparison.Ordinal);
    }
}
