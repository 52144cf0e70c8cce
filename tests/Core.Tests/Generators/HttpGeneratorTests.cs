using System.Security.Cryptography;
using System.Text;
using SystemImage.Core.Generators;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Generators;

public static class HttpGeneratorTests
{
    private static ImportFile File(string url, params (string Key, string Value)[] options) => new()
    {
        Name = "ubuntu",
        Generator = HttpGenerator.GeneratorName,
        Arguments = [url],
        Options = options.ToDictionary(o => o.Key, o => o.Value),
    };

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public sealed class Validate
    {
        private readonly HttpGenerator _generator = new(null!);

        [Theory]
        [InlineData("http://example.com/rootfs.tar.xz")]
        [InlineData("https://user:secret@example.com:8443/a/b.tar.xz?x=1")]
        public void AcceptsHttpAndHttpsUrls(string url) =>
            Assert.Null(_generator.Validate(File(url, ("name", "rootfs"), ("monitor", "https://example.com/build"))));

        [Theory]
        [InlineData("ftp://example.com/rootfs.tar.xz", "not an http or https URL")]
        [InlineData("file:///etc/passwd", "not an http or https URL")]
        [InlineData("example.com/rootfs.tar.xz", "not an http or https URL")]
        [InlineData("http://", "not an http or https URL")]
        [InlineData("http://exa mple.com/x", "spaces")]
        [InlineData("", "empty")]
        public void RefusesUrlsThatAreNotHttpWithAHost(string url, string reason) =>
            Assert.Contains(reason, _generator.Validate(File(url)), StringComparison.Ordinal);

        [Fact]
        public void RefusesAMonitorThatIsNotHttp() =>
            Assert.Contains("monitor URL", _generator.Validate(File("http://example.com/a.tar.xz", ("monitor", "file:///build"))), StringComparison.Ordinal);

        [Fact]
        public void RefusesUnknownOptionsAndBadNames()
        {
            Assert.Contains("unknown option 'mirror'", _generator.Validate(File("http://example.com/a.tar.xz", ("mirror", "x"))), StringComparison.Ordinal);
            Assert.Contains("Invalid part name", _generator.Validate(File("http://example.com/a.tar.xz", ("name", "../x"))), StringComparison.Ordinal);
        }

        [Fact]
        public void RefusesAnythingButOneArgument() =>
            Assert.NotNull(_generator.Validate(File("http://example.com/a.tar.xz") with { Arguments = ["http://a/b", "http://a/c"] }));
    }

    public sealed class ParseBuild
    {
        private static readonly Uri Monitor = new("http://example.com/build");

        [Theory]
        [InlineData("20261125", "20261125")]
        [InlineData("20261125\n", "20261125")]
        [InlineData("20261125.1\r\n", "20261125.1")]
        public void AcceptsOneLine(string answer, string build) =>
            Assert.Equal(build, HttpGenerator.ParseBuild(Encoding.UTF8.GetBytes(answer), Monitor));

        [Theory]
        [InlineData("", "is empty")]
        [InlineData("\n", "is empty")]
        [InlineData("1\n2\n", "more than one line")]
        [InlineData("1\n\n", "more than one line")]
        [InlineData("build 7", "spaces")]
        [InlineData("7,8", "','")]
        public void RefusesAnythingElse(string answer, string reason)
        {
            var error = Assert.Throws<GeneratorException>(() => HttpGenerator.ParseBuild(Encoding.UTF8.GetBytes(answer), Monitor));

            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        }
    }

    public sealed class GenerateAsync : IAsyncLifetime
    {
        private readonly LocalHttpServer _server = new();
        private GeneratorHarness _harness = null!;

        public async Task InitializeAsync() => _harness = await GeneratorHarness.CreateAsync(new Dictionary<string, string?>
        {
            ["SystemImage:Import:HttpMaxBytes"] = "100000",
            ["SystemImage:Import:HttpTotalTimeoutSeconds"] = "2",
        });

        public async Task DisposeAsync()
        {
            await _harness.DisposeAsync();
            await _server.DisposeAsync();
        }

        [Fact]
        public async Task WithoutAMonitorTheContentHashNamesTheFile()
        {
            var payload = TarXz.Build(1);
            _server.Set("/rootfs.tar.xz", payload);

            var file = await _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz")));

            Assert.NotNull(file);
            Assert.Equal($"/pool/ubuntu-{Sha256(payload)}.tar.xz", file.Path);
            Assert.Equal(Sha256(payload), file.Checksum);
            Assert.Equal($"ubuntu={Sha256(payload)[..12]}", file.VersionDetail);
            Assert.Equal(_server.Url("/rootfs.tar.xz"), file.Source);
        }

        [Fact]
        public async Task WithoutAMonitorTheSameContentGivesThePublishedFile()
        {
            _server.Set("/rootfs.tar.xz", TarXz.Build(1));
            var first = await _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz")));
            await _harness.CommitAsync(first!);
            _harness.Restart();

            var second = await _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz")));

            Assert.Equal(first!.Path, second!.Path);
            Assert.NotEqual(0, second.Id);
            Assert.Equal(2, _server.Requests("/rootfs.tar.xz"));
        }

        [Fact]
        public async Task WithAMonitorTheBuildNamesTheFileAndAnUnchangedBuildIsNotDownloadedAgain()
        {
            var url = _server.Url("/rootfs.tar.xz");
            _server.Set("/rootfs.tar.xz", TarXz.Build(1));
            _server.Set("/build", "20261125\n");
            var entry = File(url, ("monitor", _server.Url("/build")));

            var first = await _harness.GenerateAsync(entry);
            await _harness.CommitAsync(first!);
            _harness.Restart();
            var again = await _harness.GenerateAsync(entry);

            Assert.Equal($"/pool/ubuntu-{Sha256(Encoding.UTF8.GetBytes($"{url}:20261125"))}.tar.xz", first!.Path);
            Assert.Equal("ubuntu=20261125", first.VersionDetail);
            Assert.Equal(first.Path, again!.Path);
            Assert.Equal(1, _server.Requests("/rootfs.tar.xz"));
            Assert.Equal(2, _server.Requests("/build"));
            TreeAssert.Exists(_harness.Data, first.Path + ".asc");
            var sidecar = TreeAssert.ReadJson(_harness.Data, first.Path[..^".tar.xz".Length] + ".json");
            Assert.Equal("20261125", sidecar["build"]!.GetValue<string>());
        }

        [Fact]
        public async Task WithAMonitorANewBuildIsDownloadedToANewPath()
        {
            _server.Set("/rootfs.tar.xz", TarXz.Build(1));
            _server.Set("/build", "7");
            var entry = File(_server.Url("/rootfs.tar.xz"), ("monitor", _server.Url("/build")), ("name", "rootfs"));
            var first = await _harness.GenerateAsync(entry);

            _server.Set("/rootfs.tar.xz", TarXz.Build(2));
            _server.Set("/build", "8\n");
            var second = await _harness.GenerateAsync(entry);

            Assert.StartsWith("/pool/rootfs-", first!.Path, StringComparison.Ordinal);
            Assert.NotEqual(first.Path, second!.Path);
            Assert.Equal(("rootfs=7", "rootfs=8"), (first.VersionDetail, second.VersionDetail));
            Assert.Equal("ubuntu", second.PartName);
            Assert.Equal(Sha256(TarXz.Build(2)), second.Checksum);
            Assert.Equal(2, _server.Requests("/rootfs.tar.xz"));
        }

        [Theory]
        [InlineData("", "is empty")]
        [InlineData("20261125\n20261126\n", "more than one line")]
        public async Task ABadBuildNumberFailsWithoutDownloading(string answer, string reason)
        {
            _server.Set("/rootfs.tar.xz", TarXz.Build(1));
            _server.Set("/build", answer);

            var error = await Assert.ThrowsAsync<GeneratorException>(() =>
                _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz"), ("monitor", _server.Url("/build")))));

            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.Equal(0, _server.Requests("/rootfs.tar.xz"));
        }

        [Fact]
        public async Task AnAnnouncedSizeOverTheLimitIsRefusedBeforeDownloading()
        {
            _server.Set("/big.tar.xz", new LocalHttpServer.Reply(200, new byte[10]) { DeclaredLength = 100_001, Stall = true });

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/big.tar.xz"))));

            Assert.Contains("announces 100001 bytes, more than the limit of 100000 bytes", error.Message, StringComparison.Ordinal);
            Assert.Empty(_harness.WorkFiles());
        }

        [Fact]
        public async Task ADownloadGrowingOverTheLimitIsAborted()
        {
            _server.Set("/big.tar.xz", new LocalHttpServer.Reply(200, new byte[150_000]) { OmitLength = true });

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/big.tar.xz"))));

            Assert.Contains("aborted after", error.Message, StringComparison.Ordinal);
            Assert.Contains("more than the limit of 100000 bytes", error.Message, StringComparison.Ordinal);
            Assert.Empty(_harness.WorkFiles());
        }

        [Fact]
        public async Task AnUnreachableHostFailsWithOneLine()
        {
            var url = LocalHttpServer.UnreachableUrl("/rootfs.tar.xz");

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(url)));

            Assert.StartsWith($"GET {url}: ", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }

        [Fact]
        public async Task AnHttpErrorStatusFails()
        {
            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/missing.tar.xz"))));

            Assert.Equal($"GET {_server.Url("/missing.tar.xz")}: HTTP 404 NotFound", error.Message);
        }

        [Fact]
        public async Task AServerThatStopsSendingTimesOut()
        {
            _server.Set("/slow.tar.xz", new LocalHttpServer.Reply(200, new byte[10]) { Stall = true });

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/slow.tar.xz"))));

            Assert.Contains("timed out after 2 s", error.Message, StringComparison.Ordinal);
            Assert.Empty(_harness.WorkFiles());
        }

        [Fact]
        public async Task AConnectionCutShortFails()
        {
            _server.Set("/cut.tar.xz", new LocalHttpServer.Reply(200, TarXz.Build(1)) { DeclaredLength = 90_000 });

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/cut.tar.xz"))));

            Assert.Contains("connection failed", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task APayloadThatIsNotATarXzIsRefusedAndLeavesNothingBehind()
        {
            _server.Set("/rootfs.tar.xz", Encoding.UTF8.GetBytes("<html>not a tarball</html>"));

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz"))));

            Assert.Contains("not a .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2", error.Message, StringComparison.Ordinal);
            Assert.Empty(_harness.WorkFiles());
        }

        [Theory]
        [InlineData("/rootfs.tar.zst", "zstd")]
        [InlineData("/rootfs.tar.bz2", "bzip2")]
        [InlineData("/rootfs.tar.gz", "gzip")]
        [InlineData("/artifacts/download", "zstd")]
        [InlineData("/artifacts/download", "bzip2")]
        public async Task RecompressesAnotherCompressionToTheTarXzItPublishes(string urlPath, string tool)
        {
            var tar = new TarballBuilder().WithFile("system/etc/build", "7\n").WithFile("system/usr/share/doc/README", string.Concat(Enumerable.Repeat("same text ", 500))).Build();
            var payload = await Compression.ExternalTool.CompressAsync(tool, tar);
            _server.Set(urlPath, payload);

            var file = await _harness.GenerateAsync(File(_server.Url(urlPath)));
            await _harness.CommitAsync(file!);

            Assert.Equal($"/pool/ubuntu-{Sha256(payload)}.tar.xz", file!.Path);
            var published = await System.IO.File.ReadAllBytesAsync(_harness.Data.File(file.Path));
            Assert.Equal(Sha256(published), file.Checksum);
            Assert.Equal(published.Length, file.Size);
            Assert.Equal(tar, await Compression.ExternalXz.DecompressAsync(published));
            Assert.Empty(_harness.WorkFiles());
        }

        [Fact]
        public async Task RefusesAPayloadThatIsNotTheCompressionItsUrlAnnounces()
        {
            var tar = new TarballBuilder().WithFile("system/etc/build", "7\n").Build();
            _server.Set("/rootfs.tar.zst", await Compression.ExternalTool.CompressAsync("bzip2", tar));

            var error = await Assert.ThrowsAsync<GeneratorException>(() => _harness.GenerateAsync(File(_server.Url("/rootfs.tar.zst"))));

            Assert.EndsWith(": announced .tar.zst but the file is bzip2", error.Message, StringComparison.Ordinal);
            Assert.Empty(_harness.WorkFiles());
        }

        [Fact]
        public async Task ReportsProgressOfTheDownload()
        {
            var payload = TarXz.Build(3);
            _server.Set("/rootfs.tar.xz", payload);

            await _harness.GenerateAsync(File(_server.Url("/rootfs.tar.xz")));

            Assert.Contains(("mako", (string?)"ubuntu", (long)payload.Length, (long?)payload.Length), _harness.Reporter.ProgressReports);
        }
    }
}
