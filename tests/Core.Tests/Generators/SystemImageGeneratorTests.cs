using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Tests.Images;
using Xunit;

namespace SystemImage.Core.Tests.Generators;

public static class SystemImageGeneratorTests
{
    private static ImportFile File(string channel, string part, string? device = null) => new()
    {
        Name = "rootfs",
        Generator = SystemImageGenerator.GeneratorName,
        Arguments = [channel, part],
        Options = device is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["device"] = device },
    };

    public sealed class Validate
    {
        private readonly SystemImageGenerator _generator = new();

        [Fact]
        public void AcceptsAChannelAndAPart() => Assert.Null(_generator.Validate(File("ubuntu-touch/stable", "ubuntu", "mako")));

        [Theory]
        [InlineData("../x", "ubuntu", null)]
        [InlineData("stable", "Ubuntu", null)]
        [InlineData("stable", "version", null)]
        [InlineData("stable", "ubuntu", "a/b")]
        public void RefusesBadNames(string channel, string part, string? device) => Assert.NotNull(_generator.Validate(File(channel, part, device)));

        [Fact]
        public void RefusesOtherArgumentCountsAndOptions()
        {
            Assert.NotNull(_generator.Validate(File("stable", "ubuntu") with { Arguments = ["stable"] }));
            Assert.NotNull(_generator.Validate(File("stable", "ubuntu") with { Options = new Dictionary<string, string> { ["keyring"] = "x" } }));
        }
    }

    public sealed class GenerateAsync : IAsyncLifetime
    {
        private ImageFixture _fixture = null!;
        private GeneratorHarness _harness = null!;

        public async Task InitializeAsync()
        {
            _fixture = await ImageFixture.CreateAsync(("stable", ["mako", "flo"]), ("empty", ["mako"]));
            Assert.True((await _fixture.PublishBuildAsync("stable", "mako", 1)).Succeeded);
            Assert.True((await _fixture.PublishBuildAsync("stable", "mako", 2)).Succeeded);
            Assert.True((await _fixture.PublishBuildAsync("stable", "flo", 3)).Succeeded);
            _harness = GeneratorHarness.Over(_fixture.Data);
        }

        public async Task DisposeAsync()
        {
            await _harness.DisposeAsync();
            await _fixture.DisposeAsync();
        }

        [Fact]
        public async Task ReusesThePartOfTheLatestFullImageOfTheSameDevice()
        {
            var expected = await UbuntuFileAsync("mako", 2);
            var poolFiles = await PoolCountAsync();

            var file = await _harness.GenerateAsync(File("stable", "ubuntu"), device: "mako");

            Assert.NotNull(file);
            Assert.Equal(expected.Path, file.Path);
            Assert.Equal(expected.Checksum, file.Checksum);
            Assert.Equal("rootfs", file.PartName);
            Assert.Equal(poolFiles, await PoolCountAsync());
            Assert.Empty(_harness.WorkFiles());
            await using var db = _fixture.Data.Get<IDbContextFactory<Persistence.SystemImageDbContext>>().CreateDbContext();
            Assert.Equal("ubuntu", (await db.PoolFiles.SingleAsync(p => p.Path == expected.Path)).PartName);
        }

        [Fact]
        public async Task TheDeviceOptionChoosesAnotherDevice()
        {
            var file = await _harness.GenerateAsync(File("stable", "ubuntu", device: "flo"), device: "mako");

            Assert.Equal((await UbuntuFileAsync("flo", 1)).Path, file!.Path);
        }

        [Theory]
        [InlineData("nosuch", "ubuntu", "mako", "channel 'nosuch' has no device 'mako'")]
        [InlineData("stable", "ubuntu", "manta", "channel 'stable' has no device 'manta'")]
        [InlineData("empty", "ubuntu", "mako", "empty/mako has no full image")]
        [InlineData("stable", "custom", "mako", "version 2 of stable/mako has no part 'custom'")]
        public async Task GivesNothingWhenThereIsNothingToReuse(string channel, string part, string device, string reason)
        {
            var file = await _harness.GenerateAsync(File(channel, part), device: device);

            Assert.Null(file);
            Assert.Contains(_harness.Reporter.Lines, l => l.Contains(reason, StringComparison.Ordinal));
        }

        private async Task<ImageFile> UbuntuFileAsync(string device, int version)
        {
            await using var db = _fixture.Data.Get<IDbContextFactory<Persistence.SystemImageDbContext>>().CreateDbContext();
            return await db.Images.Where(i => i.Device.Name == device && i.Device.Channel.Name == "stable" && i.Version == version && i.Type == ImageType.Full)
                .SelectMany(i => i.Files).SingleAsync(f => f.PartName == "ubuntu");
        }

        private async Task<int> PoolCountAsync()
        {
            await using var db = _fixture.Data.Get<IDbContextFactory<Persistence.SystemImageDbContext>>().CreateDbContext();
            return await db.PoolFiles.CountAsync();
        }
    }
}
