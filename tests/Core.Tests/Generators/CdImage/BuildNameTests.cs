using SystemImage.Core.Generators.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

public sealed class BuildNameTests
{
    [Theory]
    [InlineData("20261125", true)]
    [InlineData("20261125.1", true)]
    [InlineData("20261125.1.3", true)]
    [InlineData("current", false)]
    [InlineData("pending", false)]
    [InlineData(".20261125", false)]
    [InlineData("20261125.", false)]
    [InlineData("20261125..1", false)]
    [InlineData("20261125-1", false)]
    [InlineData("", false)]
    public void RecognisesBuildDirectoryNames(string name, bool isBuild) => Assert.Equal(isBuild, BuildName.IsBuild(name));

    [Fact]
    public void OrdersNumericallySegmentBySegment()
    {
        string[] names = ["20261126", "20261125.10", "20261125", "20261125.2", "20261125.1", "9", "20261125.1.1"];

        var ordered = names.Order(BuildName.Comparer).ToList();

        Assert.Equal(["9", "20261125", "20261125.1", "20261125.1.1", "20261125.2", "20261125.10", "20261126"], ordered);
    }

    [Fact]
    public void ComparesNumbersLongerThanALong() =>
        Assert.True(BuildName.Comparer.Compare("99999999999999999999", "100000000000000000000") < 0);
}
