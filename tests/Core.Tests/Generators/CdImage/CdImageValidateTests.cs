using SystemImage.Core.Generators;
using SystemImage.Core.Generators.CdImage;
using Xunit;

namespace SystemImage.Core.Tests.Generators.CdImage;

public sealed class CdImageValidateTests
{
    private static ImportFile Entry(string[] arguments, params (string Key, string Value)[] options) => new()
    {
        Name = "ubuntu",
        Generator = "cdimage-ubuntu",
        Arguments = arguments,
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    [Theory]
    [InlineData("touch")]
    [InlineData("pd")]
    [InlineData("core")]
    [InlineData("desktop")]
    [InlineData("ubuntu-server")]
    public void AcceptsAPathASeriesAndAnyProductName(string product)
    {
        var file = Entry(["/srv/cdimage/ubuntu-touch/daily-preinstalled", "vivid"], ("product", product), ("import", "good"));

        Assert.Null(CdImageArguments.Validate(file));
    }

    [Fact]
    public void AcceptsNoOptions() => Assert.Null(CdImageArguments.Validate(Entry(["/srv/cdimage", "16.04"])));

    [Theory]
    [InlineData(new string[0], "takes 2 arguments")]
    [InlineData(new[] { "/srv/cdimage" }, "takes 2 arguments")]
    [InlineData(new[] { "/srv/cdimage", "vivid", "extra" }, "takes 2 arguments")]
    [InlineData(new[] { "cdimage/daily", "vivid" }, "is not an absolute path")]
    [InlineData(new[] { "", "vivid" }, "is not an absolute path")]
    [InlineData(new[] { "/srv/cdimage", "" }, "is not a series name")]
    [InlineData(new[] { "/srv/cdimage", "Vivid" }, "is not a series name")]
    [InlineData(new[] { "/srv/cdimage", "../vivid" }, "is not a series name")]
    [InlineData(new[] { "/srv/cdimage", "vivid/x" }, "is not a series name")]
    [InlineData(new[] { "/srv/cdimage", "vivid\n" }, "is not a series name")]
    public void RefusesBadArguments(string[] arguments, string expected)
    {
        var error = CdImageArguments.Validate(Entry(arguments));

        Assert.NotNull(error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("arch", "armhf", "unknown option 'arch' (known: import, product)")]
    [InlineData("product", "Touch", "the product 'Touch' is not a product name")]
    [InlineData("product", "../touch", "the product '../touch' is not a product name")]
    [InlineData("product", "", "the product '' is not a product name")]
    [InlineData("import", "best", "import must be 'any' or 'good', not 'best'")]
    public void RefusesBadOptions(string key, string value, string expected)
    {
        var error = CdImageArguments.Validate(Entry(["/srv/cdimage", "vivid"], (key, value)));

        Assert.NotNull(error);
        Assert.StartsWith(expected, error);
    }

    [Theory]
    [InlineData("cdimage-ubuntu")]
    [InlineData("cdimage-device")]
    [InlineData("cdimage-custom")]
    public async Task EveryCdImageGeneratorIsRegisteredAndValidatesTheSameWay(string name)
    {
        await using var data = await TestUtilities.TestDataDirectory.CreateAsync();
        var generator = data.Get<GeneratorRegistry>().Find(name);

        Assert.NotNull(generator);
        Assert.Null(generator.Validate(Entry(["/srv/cdimage", "vivid"], ("product", "pd"))));
        Assert.Contains("takes 2 arguments", generator.Validate(Entry(["/srv/cdimage"])));
    }
}
