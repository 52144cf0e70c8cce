using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;
using SystemImage.Core.Tests.Images;
using SystemImage.Core.Persistence.Entities;
using Xunit;

namespace SystemImage.Core.Tests.Audit;

/// <summary>The audit log searched and paged by the database: channel, device, words of the change text, since, pages.</summary>
public sealed class AuditSearchTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Actor Alice = new("alice", "api");
    private static readonly Actor Bob = new("bob", "ui");
    private ImageFixture _f = null!;

    private AuditQueries Audit => _f.Data.Get<AuditQueries>();

    public async Task InitializeAsync()
    {
        // create-channel ×2, create-device ×3 (stable/mako, stable/flo, ubuntu/touch/mako), then edits of mako in both channels.
        _f = await ImageFixture.CreateAsync(("stable", ["mako", "flo"]), ("ubuntu/touch", ["mako"]));
        await _f.PublishBuildAsync("stable", "mako", 1);
        await _f.PublishBuildAsync("ubuntu/touch", "mako", 1);
        await _f.Data.Get<ImageEditor>().SetPhasedPercentageAsync("stable", "mako", 1, 30, Alice, None);
        await _f.Data.Get<ImageEditor>().SetDescriptionAsync("stable", "mako", 1, "Fixes the 50%_discount bug", null, Bob, None);
        await _f.Data.Get<ImageEditor>().SetPhasedPercentageAsync("ubuntu/touch", "mako", 1, 70, Bob, None);
        await _f.Data.Get<TokenService>().CreateAsync("deploy-bot", Role.Publisher, null, Alice, None);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    public sealed class ByChannelAndDevice(AuditSearchTests t) : IClassFixture<AuditSearchTests>
    {
        [Fact]
        public async Task ADeviceOfAChannelIsFoundByItsTargetOnly()
        {
            var page = await t.Audit.SearchAsync(new AuditSearch { Channel = "stable", Device = "mako" }, None);

            Assert.Equal(["set-description", "set-phased-percentage", "publish-image", "create-device"], page.Entries.Select(e => e.Action));
            Assert.All(page.Entries, e => Assert.Equal("stable/mako", e.Target));
            Assert.Null(page.Next);
        }

        [Fact]
        public async Task ADeviceAloneMatchesItInEveryChannelEvenOneWhoseNameHasASlash()
        {
            var page = await t.Audit.SearchAsync(new AuditSearch { Device = "mako", Text = "phased" }, None);

            Assert.Equal(["ubuntu/touch/mako", "stable/mako"], page.Entries.Select(e => e.Target));
            Assert.Empty((await t.Audit.SearchAsync(new AuditSearch { Device = "touch/mako" }, None)).Entries);
        }

        [Fact]
        public async Task AChannelWhoseNameHasASlashIsNotConfusedWithItsPrefix()
        {
            var page = await t.Audit.SearchAsync(new AuditSearch { Channel = "ubuntu/touch" }, None);

            Assert.Equal(["set-phased-percentage", "publish-image", "create-device", "create-channel"], page.Entries.Select(e => e.Action));
        }
    }

    public sealed class ByText(AuditSearchTests t) : IClassFixture<AuditSearchTests>
    {
        [Theory]
        [InlineData("30%", "set-phased-percentage")]
        [InlineData("100% 30%", "set-phased-percentage")]
        [InlineData("FIXES", "set-description")]
        [InlineData("50%_discount", "set-description")]
        [InlineData("bob description", "set-description")]
        [InlineData("publisher deploy", "create-token")]
        public async Task EveryWordMustOccurInTheEntryAnyCaseIncludingTheChangeText(string text, string action)
        {
            var page = await t.Audit.SearchAsync(new AuditSearch { Text = text }, None);

            Assert.Equal([action], page.Entries.Select(e => e.Action));
        }

        [Theory]
        [InlineData("50%x")]
        [InlineData("50_%")]
        [InlineData("alice description")]
        public async Task WildcardsAreTakenLiterallyAndAllWordsMustMatch(string text)
        {
            var page = await t.Audit.SearchAsync(new AuditSearch { Text = text }, None);

            Assert.Empty(page.Entries);
        }
    }

    public sealed class Paging(AuditSearchTests t) : IClassFixture<AuditSearchTests>
    {
        [Fact]
        public async Task PagesFollowEachOtherWithoutGapsOrRepeats()
        {
            var all = (await t.Audit.SearchAsync(new AuditSearch { Limit = 1000 }, None)).Entries;
            var seen = new List<AuditRecord>();
            long? before = null;
            var pages = 0;
            do
            {
                var page = await t.Audit.SearchAsync(new AuditSearch { Limit = 3, Before = before }, None);
                Assert.InRange(page.Entries.Count, 1, 3);
                seen.AddRange(page.Entries);
                before = page.Next;
                pages++;
            }
            while (before is not null);

            Assert.Equal(all.Select(e => e.Id), seen.Select(e => e.Id));
            Assert.Equal((all.Count + 2) / 3, pages);
            Assert.Equal(all.OrderByDescending(e => e.Id).Select(e => e.Id), all.Select(e => e.Id));
        }

        [Fact]
        public async Task SinceAndTextCombineWithPaging()
        {
            var newest = (await t.Audit.SearchAsync(new AuditSearch { Limit = 1 }, None)).Entries[0];

            var page = await t.Audit.SearchAsync(new AuditSearch { Text = "mako", Limit = 2 }, None);
            var rest = await t.Audit.SearchAsync(new AuditSearch { Text = "mako", Limit = 2, Before = page.Next }, None);

            Assert.NotNull(page.Next);
            Assert.All(page.Entries.Concat(rest.Entries), e => Assert.Contains("mako", e.Target, StringComparison.Ordinal));
            Assert.True(rest.Entries.Max(e => e.Id) < page.Entries.Min(e => e.Id));
            Assert.Equal([newest.Id], (await t.Audit.SearchAsync(new AuditSearch { Since = newest.At }, None)).Entries.Select(e => e.Id));
        }
    }

    public sealed class Validation
    {
        [Theory]
        [InlineData(0, null, null, "'limit' must be between 1 and 1000, not 0.")]
        [InlineData(10, 0L, null, "'before' must be the id of an audit entry (a positive number), not 0.")]
        [InlineData(10, null, 201, "The search text is 201 characters long; at most 200 are allowed.")]
        public void RefusesWhatCannotBeSearched(int limit, long? before, int? textLength, string expected)
        {
            var search = new AuditSearch { Limit = limit, Before = before, Text = textLength is { } n ? new string('x', n) : null };

            Assert.Equal(expected, search.Validate());
        }
    }
}
