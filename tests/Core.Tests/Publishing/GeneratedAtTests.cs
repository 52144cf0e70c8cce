using SystemImage.Core.Publishing;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

public sealed class GeneratedAtTests
{
    [Fact]
    public void FormatsLikeTheClassicServer() =>
        Assert.Equal("Thu Nov 26 12:00:00 UTC 2026", GeneratedAt.Format(new DateTimeOffset(2026, 11, 26, 13, 0, 0, TimeSpan.FromHours(1))));

    [Fact]
    public void PadsTheDayWithAZero() =>
        Assert.Equal("Sun Feb 01 03:04:05 UTC 2026", GeneratedAt.Format(new DateTimeOffset(2026, 2, 1, 3, 4, 5, TimeSpan.Zero)));
}
