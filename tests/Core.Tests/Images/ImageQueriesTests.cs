using SystemImage.Core.Images;
using Xunit;

namespace SystemImage.Core.Tests.Images;

public sealed class ImageQueriesTests
{
    [Fact]
    public async Task ListsImagesNewestFirstWithTheirTranslationsAndWhenTheyWerePublished()
    {
        await using var fixture = await ImageFixture.CreateAsync(("devel", ["mako"]));
        await fixture.PublishBuildAsync("devel", "mako", 1);
        await fixture.PublishBuildAsync("devel", "mako", 2);
        var translations = new Dictionary<string, string> { ["fr"] = "Deux", ["de"] = "Zwei" };
        await fixture.Data.Get<ImageEditor>().SetDescriptionAsync("devel", "mako", 2, "Two", translations, ImageFixture.Tester, CancellationToken.None);

        var images = (await fixture.Data.Get<ImageQueries>().ListOrNullAsync("devel", "mako", CancellationToken.None))!;

        Assert.Equal(["full 2", "delta 2", "full 1"], images.Select(i => $"{i.Type} {i.Version}"));
        Assert.Equal(["de", "fr"], images[0].Translations.Keys);
        Assert.Equal("Zwei", images[1].Translations["de"]);
        Assert.Empty(images[2].Translations);
        Assert.All(images, i => Assert.InRange(i.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.Null(await fixture.Data.Get<ImageQueries>().ListOrNullAsync("devel", "flo", CancellationToken.None));
    }
}
