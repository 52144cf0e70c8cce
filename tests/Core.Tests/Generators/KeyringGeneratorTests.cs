using System.Formats.Tar;
using SystemImage.Core.Compression;
using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Generators;

public static class KeyringGeneratorTests
{
    private static ImportFile File(string keyring = KeyNames.ArchiveMaster) =>
        new() { Name = "keyring", Generator = KeyringGenerator.GeneratorName, Arguments = [keyring] };

    private static PoolFile Pooled(string path) =>
        new() { Path = path, PartName = "ubuntu", Checksum = new string('0', 64), Generator = "http", VersionDetail = "ubuntu=1" };

    public sealed class Validate
    {
        private readonly KeyringGenerator _generator = new(null!);

        [Theory]
        [InlineData(KeyNames.ArchiveMaster)]
        [InlineData(KeyNames.ImageMaster)]
        [InlineData(KeyNames.ImageSigning)]
        [InlineData(KeyNames.Blacklist)]
        public void AcceptsAPublishedKeyring(string name) => Assert.Null(_generator.Validate(File(name)));

        [Theory]
        [InlineData(KeyNames.DeviceSigning)]
        [InlineData("../secrets/archive-master")]
        [InlineData("")]
        public void RefusesAnythingElse(string name) =>
            Assert.Contains("name of a published keyring", _generator.Validate(File(name)), StringComparison.Ordinal);

        [Fact]
        public void RefusesOptionsAndExtraArguments()
        {
            Assert.NotNull(_generator.Validate(File() with { Options = new Dictionary<string, string> { ["x"] = "y" } }));
            Assert.NotNull(_generator.Validate(File() with { Arguments = [KeyNames.ArchiveMaster, KeyNames.ImageMaster] }));
            Assert.NotNull(_generator.Validate(File() with { Arguments = [] }));
        }
    }

    public sealed class GenerateAsync : IAsyncLifetime
    {
        private GeneratorHarness _harness = null!;

        public async Task InitializeAsync() => _harness = await GeneratorHarness.CreateAsync();

        public async Task DisposeAsync() => await _harness.DisposeAsync();

        [Fact]
        public async Task GivesNothingWhenNoFileBeforeItIsNew()
        {
            var unchanged = Pooled("/pool/ubuntu-1.tar.xz");
            var latest = new Image { Version = 1, Files = [new ImageFile { PartName = "ubuntu", Path = unchanged.Path, Signature = unchanged.Path + ".asc", Checksum = unchanged.Checksum }] };

            Assert.Null(await _harness.GenerateAsync(File(), generated: []));
            Assert.Null(await _harness.GenerateAsync(File(), latest: latest, generated: [unchanged]));
            Assert.Contains(_harness.Reporter.Lines, l => l.Contains("no file before it is new", StringComparison.Ordinal));
        }

        [Fact]
        public async Task PlacesThePublishedKeyringAndItsSignatureUnderSystem()
        {
            var file = await _harness.GenerateAsync(File(), generated: [Pooled("/pool/ubuntu-2.tar.xz")]);
            await _harness.CommitAsync(file!);

            var entries = TreeAssert.ReadTarXz(_harness.Data.File(file!.Path));
            Assert.Equal(
                ["system/usr/share/system-image/archive-master.tar.xz", "system/usr/share/system-image/archive-master.tar.xz.asc"],
                entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(System.IO.File.ReadAllBytes(_harness.Data.File("/gpg/archive-master.tar.xz")), entries["system/usr/share/system-image/archive-master.tar.xz"]);
            Assert.Equal(System.IO.File.ReadAllBytes(_harness.Data.File("/gpg/archive-master.tar.xz.asc")), entries["system/usr/share/system-image/archive-master.tar.xz.asc"]);
            Assert.Equal("keyring=archive-master", file.VersionDetail);
            Assert.Equal("keyring", file.PartName);
            TreeAssert.Exists(_harness.Data, file.Path + ".asc");
        }

        [Fact]
        public async Task EntriesHaveFixedOwnerModeAndTime()
        {
            var file = await _harness.GenerateAsync(File(KeyNames.ImageSigning), generated: [Pooled("/pool/ubuntu-2.tar.xz")]);
            await _harness.CommitAsync(file!);

            await using var xz = new XzDecoderStream(System.IO.File.OpenRead(_harness.Data.File(file!.Path)));
            using var reader = new TarReader(xz);
            while (reader.GetNextEntry() is { } entry)
            {
                Assert.Equal((0, 0, "root", "root"), (entry.Uid, entry.Gid, ((GnuTarEntry)entry).UserName, ((GnuTarEntry)entry).GroupName));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, entry.Mode);
                Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), entry.ModificationTime);
            }
        }

        [Fact]
        public async Task TheSameKeyringGivesTheSamePoolPath()
        {
            var first = await _harness.GenerateAsync(File(), generated: [Pooled("/pool/ubuntu-2.tar.xz")]);
            await _harness.CommitAsync(first!);
            _harness.Restart();

            var again = await _harness.GenerateAsync(File(), generated: [Pooled("/pool/ubuntu-3.tar.xz")]);
            var other = await _harness.GenerateAsync(File(KeyNames.ImageMaster), generated: [Pooled("/pool/ubuntu-3.tar.xz")]);

            Assert.Matches("^/pool/keyring-[0-9a-f]{64}\\.tar\\.xz$", first!.Path);
            Assert.Equal(first.Path, again!.Path);
            Assert.NotEqual(0, again.Id);
            Assert.NotEqual(first.Path, other!.Path);
        }

        [Fact]
        public void TheTarIsReproducible() =>
            Assert.Equal(KeyringGenerator.Build("archive-master", [1, 2, 3], [4, 5]), KeyringGenerator.Build("archive-master", [1, 2, 3], [4, 5]));
    }
}
