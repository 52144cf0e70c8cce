using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SystemImage.Core.Channels;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Signing;
using SystemImage.Core.Tests.Images;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Generators;

public static class RemoteSystemImageGeneratorTests
{
    private static ImportFile File(string baseUrl, string channel = "stable", string part = "ubuntu", string? keyring = "image-signing", string? device = null)
    {
        var options = new Dictionary<string, string>();
        if (keyring is not null)
        {
            options["keyring"] = keyring;
        }

        if (device is not null)
        {
            options["device"] = device;
        }

        return new ImportFile { Name = "ubuntu", Generator = RemoteSystemImageGenerator.GeneratorName, Arguments = [baseUrl, channel, part], Options = options };
    }

    public sealed class Validate
    {
        private static RemoteSystemImageGenerator Generator(params string[] keyrings) => new(
            null!,
            Options.Create(new ImportOptions { RemoteKeyrings = keyrings.ToDictionary(k => k, k => $"/etc/{k}.tar.xz") }),
            Options.Create(new SystemImage.Core.Configuration.SystemImageOptions()),
            TimeProvider.System);

        [Fact]
        public void AcceptsAConfiguredKeyring() => Assert.Null(Generator("a", "b").Validate(File("https://si.example.com/", keyring: "b", device: "mako")));

        [Fact]
        public void TheOnlyConfiguredKeyringIsTheDefault() => Assert.Null(Generator("a").Validate(File("https://si.example.com", keyring: null)));

        [Fact]
        public void RefusesAMissingOrUnknownKeyring()
        {
            Assert.Contains("option keyring is required", Generator("a", "b").Validate(File("https://si.example.com", keyring: null)), StringComparison.Ordinal);
            Assert.Contains("keyring 'c' is not configured", Generator("a", "b").Validate(File("https://si.example.com", keyring: "c")), StringComparison.Ordinal);
            Assert.Contains("has none", Generator().Validate(File("https://si.example.com", keyring: "c")), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("ftp://si.example.com", "stable", "ubuntu")]
        [InlineData("https://si.example.com/?x=1", "stable", "ubuntu")]
        [InlineData("https://si.example.com", "../stable", "ubuntu")]
        [InlineData("https://si.example.com", "stable", "version")]
        [InlineData("https://si.example.com", "stable", "Ubuntu")]
        public void RefusesBadArguments(string url, string channel, string part) =>
            Assert.NotNull(Generator("image-signing").Validate(File(url, channel, part)));
    }

    /// <summary>The remote server's tree, published once for all the tests (they only read it), and keyrings for it.</summary>
    public sealed class RemoteTree : IAsyncLifetime
    {
        internal ImageFixture Remote { get; private set; } = null!;

        public string Keyrings => Path.Combine(Remote.Data.Path, "keyrings");

        public async Task InitializeAsync()
        {
            Remote = await ImageFixture.CreateAsync(("stable", ["mako"]), ("empty", ["mako"]));
            Assert.True((await Remote.PublishBuildAsync("stable", "mako", 1)).Succeeded);
            Assert.True((await Remote.PublishBuildAsync("stable", "mako", 2)).Succeeded);
            await Remote.Data.Get<ChannelService>().CreateAsync("keyed", false, ImageFixture.Tester, CancellationToken.None);
            await Remote.Data.Get<DeviceService>().CreateAsync("keyed", "mako", true, ImageFixture.Tester, CancellationToken.None);
            Assert.True((await Remote.PublishBuildAsync("keyed", "mako", 5)).Succeeded);

            Directory.CreateDirectory(Keyrings);
            var imageSigning = Remote.Data.File("/gpg/image-signing.tar.xz");
            System.IO.File.Copy(imageSigning, Path.Combine(Keyrings, "image-signing.tar.xz"));
            System.IO.File.Copy(Remote.Data.File("/gpg/archive-master.tar.xz"), Path.Combine(Keyrings, "archive-master.tar.xz"));
            System.IO.File.WriteAllBytes(Path.Combine(Keyrings, "binary.gpg"), TreeAssert.ReadTarXz(imageSigning)["keyring.gpg"]);
            System.IO.File.WriteAllBytes(Path.Combine(Keyrings, "wrong.gpg"), Remote.Data.Get<KeyStore>().GetPublicKeyRing(KeyNames.DeviceSigning).GetEncoded());
        }

        public async Task DisposeAsync() => await Remote.DisposeAsync();
    }

    public sealed class GenerateAsync(RemoteTree tree) : IClassFixture<RemoteTree>, IAsyncLifetime
    {
        private readonly Dictionary<string, Func<byte[], byte[]>> _tamper = new(StringComparer.Ordinal);
        private readonly ImageFixture _remote = tree.Remote;
        private LocalHttpServer _server = null!;
        private GeneratorHarness _local = null!;

        public async Task InitializeAsync()
        {
            _server = LocalHttpServer.ForDirectory(_remote.Data.PublishRoot, (path, bytes) => _tamper.TryGetValue(path, out var change) ? change(bytes) : bytes);
            _local = await GeneratorHarness.CreateAsync(new Dictionary<string, string?>
            {
                ["SystemImage:Import:RemoteKeyrings:image-signing"] = Path.Combine(tree.Keyrings, "image-signing.tar.xz"),
                ["SystemImage:Import:RemoteKeyrings:archive-master"] = Path.Combine(tree.Keyrings, "archive-master.tar.xz"),
                ["SystemImage:Import:RemoteKeyrings:binary"] = Path.Combine(tree.Keyrings, "binary.gpg"),
                ["SystemImage:Import:RemoteKeyrings:wrong"] = Path.Combine(tree.Keyrings, "wrong.gpg"),
                ["SystemImage:Import:RemoteKeyrings:missing"] = Path.Combine(tree.Keyrings, "missing.gpg"),
            });
        }

        public async Task DisposeAsync()
        {
            await _local.DisposeAsync();
            await _server.DisposeAsync();
        }

        [Theory]
        [InlineData("image-signing")]
        [InlineData("archive-master")]
        [InlineData("binary")]
        public async Task ImportsTheRemoteFileByteForByte(string keyring)
        {
            var remote = RemoteUbuntuFile("stable");

            var file = await _local.GenerateAsync(File(_server.BaseUrl, keyring: keyring));
            await _local.CommitAsync(file!);

            Assert.NotNull(file);
            Assert.Equal($"/pool/ubuntu-{remote.Checksum}.tar.xz", file.Path);
            Assert.Equal(System.IO.File.ReadAllBytes(_remote.Data.File(remote.Path)), System.IO.File.ReadAllBytes(_local.Data.File(file.Path)));
            Assert.Equal(remote.Detail.Split(',')[0], file.VersionDetail);
            Assert.StartsWith("ubuntu=", file.VersionDetail, StringComparison.Ordinal);
            Assert.Equal(_server.Url(remote.Path), file.Source);
            TreeAssert.Exists(_local.Data, file.Path + ".asc");
            var sidecar = TreeAssert.ReadJson(_local.Data, $"/pool/ubuntu-{remote.Checksum}.json");
            Assert.Equal("2", sidecar["remote_version"]!.GetValue<string>());
        }

        [Fact]
        public async Task ADeviceWithItsOwnKeyringIsImportedToo()
        {
            var file = await _local.GenerateAsync(File(_server.BaseUrl, channel: "keyed"));

            Assert.Equal($"/pool/ubuntu-{RemoteUbuntuFile("keyed").Checksum}.tar.xz", file!.Path);
            Assert.Equal(1, _server.Requests("/keyed/mako/device.tar.xz"));
        }

        [Fact]
        public async Task AFileThePoolHasIsNotDownloadedAgain()
        {
            var remote = RemoteUbuntuFile("stable");
            var first = await _local.GenerateAsync(File(_server.BaseUrl));
            await _local.CommitAsync(first!);
            _local.Restart();

            var again = await _local.GenerateAsync(File(_server.BaseUrl));

            Assert.Equal(first!.Path, again!.Path);
            Assert.Equal(1, _server.Requests(remote.Path));
            Assert.Equal(2, _server.Requests("/stable/mako/index.json"));
        }

        [Theory]
        [InlineData("/channels.json", "image-signing")]
        [InlineData("/stable/mako/index.json", "image-signing")]
        [InlineData("/gpg/image-master.tar.xz", "archive-master")]
        [InlineData("/gpg/image-signing.tar.xz", "archive-master")]
        public async Task RefusesATamperedSignedFile(string path, string keyring)
        {
            _tamper[path] = Flip;

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(_server.BaseUrl, keyring: keyring)));

            Assert.Equal($"the remote {path} failed signature verification: the signature does not match the data", error.Message);
            Assert.Empty(_local.WorkFiles());
        }

        [Fact]
        public async Task RefusesATamperedImageFile()
        {
            var remote = RemoteUbuntuFile("stable");
            _tamper[remote.Path] = Flip;

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(_server.BaseUrl)));

            Assert.StartsWith($"the remote {remote.Path} does not match its index entry", error.Message, StringComparison.Ordinal);
            Assert.Empty(_local.WorkFiles());
            TreeAssert.Missing(_local.Data, $"/pool/ubuntu-{remote.Checksum}.tar.xz");
        }

        [Fact]
        public async Task RefusesAnImageFileWithAnotherFilesSignature()
        {
            var remote = RemoteUbuntuFile("stable");
            _tamper[remote.Path + ".asc"] = _ => System.IO.File.ReadAllBytes(_remote.Data.File("/channels.json.asc"));

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(_server.BaseUrl)));

            Assert.Equal($"the remote {remote.Path} failed signature verification: the signature does not match the data", error.Message);
            Assert.Empty(_local.WorkFiles());
        }

        [Fact]
        public async Task RefusesEverythingWithTheWrongKeyring()
        {
            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(_server.BaseUrl, keyring: "wrong")));

            Assert.StartsWith("the remote /channels.json failed signature verification: made by key", error.Message, StringComparison.Ordinal);
            Assert.Contains("not a trusted primary key", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task AKeyringFileThatCannotBeReadIsAClearError()
        {
            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(_server.BaseUrl, keyring: "missing")));

            Assert.StartsWith("remote keyring 'missing'", error.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("nosuch", "ubuntu", "the remote server has no channel 'nosuch'")]
        [InlineData("empty", "ubuntu", "the remote /empty/mako/index.json has no full image")]
        [InlineData("stable", "custom", "has no file named 'custom-<hash>.tar.xz'")]
        public async Task GivesNothingWhenTheRemoteHasNothing(string channel, string part, string reason)
        {
            var file = await _local.GenerateAsync(File(_server.BaseUrl, channel: channel, part: part));

            Assert.Null(file);
            Assert.Contains(_local.Reporter.Lines, l => l.Contains(reason, StringComparison.Ordinal));
        }

        [Fact]
        public async Task AnUnreachableServerIsAClearError()
        {
            var url = LocalHttpServer.UnreachableUrl("");

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _local.GenerateAsync(File(url)));

            Assert.StartsWith($"GET {url}/channels.json: ", error.Message, StringComparison.Ordinal);
        }

        private static byte[] Flip(byte[] bytes)
        {
            var changed = (byte[])bytes.Clone();
            changed[changed.Length / 2] ^= 0x20;
            return changed;
        }

        private (string Path, string Checksum, string Detail) RemoteUbuntuFile(string channel)
        {
            var full = TreeAssert.ReadJson(_remote.Data, $"/{channel}/mako/index.json")["images"]!.AsArray()
                .OfType<JsonObject>().Where(i => i["type"]!.GetValue<string>() == "full").MaxBy(i => i["version"]!.GetValue<int>())!;
            var file = full["files"]!.AsArray().OfType<JsonObject>().Single(f => f["path"]!.GetValue<string>().StartsWith("/pool/ubuntu-", StringComparison.Ordinal));
            return (file["path"]!.GetValue<string>(), file["checksum"]!.GetValue<string>(), full["version_detail"]!.GetValue<string>());
        }
    }
}
