using System.Diagnostics;
using System.Text;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Tests.Compression;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

/// <summary>Every refusal comes back as one line in <see cref="PartResult.Error"/> and leaves the work directory empty.</summary>
public sealed class PartPreparerRefusalTests
{
    public sealed class PrepareAsync : IDisposable
    {
        private readonly PartWorkspace _workspace = new();

        [Theory]
        [InlineData("/etc/passwd")]
        [InlineData("../evil")]
        [InlineData("a/../../b")]
        [InlineData("system/..")]
        public async Task RefusesAnEntryWithAnAbsolutePathOrADotDotSegment(string name)
        {
            var input = _workspace.WriteInput("bad.tar", new TarballBuilder().WithFile("system/ok", "fine").WithFile(name, "x").Build());

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.Contains($"'{name}'", error, StringComparison.Ordinal);
            Assert.Contains("absolute path or a '..' segment", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesADotDotSegmentHiddenInAPaxLongName()
        {
            var name = "system/" + new string('d', 150) + "/../../../etc/shadow";
            var input = _workspace.WriteInput("bad.tar", new TarballBuilder().InPaxFormat().WithFile(name, "x").Build());

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.Contains("etc/shadow'", error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("../../etc/passwd")]
        [InlineData("/etc/passwd")]
        public async Task RefusesAHardLinkWhoseTargetEscapes(string target)
        {
            var input = _workspace.WriteInput("bad.tar.gz", new TarballBuilder().WithHardLink("system/passwd", target).BuildGzip());

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.Equal($"tar entry 'system/passwd' is a hard link to '{target}', which has an absolute path or a '..' segment", error);
        }

        [Fact]
        public async Task RefusesATruncatedGzip()
        {
            var gz = await File.ReadAllBytesAsync(await _workspace.TarGzAsync());
            var input = _workspace.WriteInput("cut.tar.gz", gz[..(gz.Length / 2)]);

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.StartsWith("the gzip data is truncated", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesAGzipMissingOnlyItsTrailer()
        {
            // .NET's GZipStream would return the whole tar here and never notice.
            var gz = await File.ReadAllBytesAsync(await _workspace.TarGzAsync());
            var input = _workspace.WriteInput("cut.tar.gz", gz[..^4]);

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.StartsWith("the gzip data is truncated", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesAGzipWithAWrongChecksum()
        {
            var gz = await File.ReadAllBytesAsync(await _workspace.TarGzAsync());
            gz[^8] ^= 0xFF;
            var input = _workspace.WriteInput("crc.tar.gz", gz);

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.Contains("incorrect data check", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesATruncatedXz()
        {
            var xz = await File.ReadAllBytesAsync(await _workspace.TarXzAsync());
            var input = _workspace.WriteInput("cut.tar.xz", xz[..(xz.Length * 2 / 3)]);

            var error = await RefuseAsync(input, PartCompression.Xz);

            Assert.Contains("truncated", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesACorruptXz()
        {
            var xz = await File.ReadAllBytesAsync(await _workspace.TarXzAsync());
            xz[xz.Length / 2] ^= 0x55;
            var input = _workspace.WriteInput("corrupt.tar.xz", xz);

            var error = await RefuseAsync(input, PartCompression.Xz);

            Assert.Contains("corrupt", error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(PartCompression.Zstd, 2)]
        [InlineData(PartCompression.Zstd, -3)]
        [InlineData(PartCompression.Bzip2, 2)]
        [InlineData(PartCompression.Bzip2, -3)]
        public async Task RefusesATruncatedZstOrBz2NamingTheFormat(PartCompression compression, int cut)
        {
            // cut 2: half the file; -3: all but the last 3 bytes (a zstd checksum, a bzip2 stream's CRC).
            var whole = await File.ReadAllBytesAsync(await MakeAsync(compression));
            var input = _workspace.WriteInput("cut" + PartSniffer.Extension(compression), cut > 0 ? whole[..(whole.Length / cut)] : whole[..^-cut]);

            var error = await RefuseAsync(input, compression);

            Assert.StartsWith($"the {PartSniffer.Describe(compression)} data is truncated: the input ended after", error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(PartCompression.Zstd)]
        [InlineData(PartCompression.Bzip2)]
        [InlineData(PartCompression.Gzip)]
        public async Task RefusesACorruptCompressedTarNamingTheFormat(PartCompression compression)
        {
            // bzip2 and gzip check their data after handing it out: the tar header comes out broken first.
            var bytes = await File.ReadAllBytesAsync(await MakeAsync(compression));
            bytes[bytes.Length / 2] ^= 0x55;
            var input = _workspace.WriteInput("corrupt" + PartSniffer.Extension(compression), bytes);

            var error = await RefuseAsync(input, compression);

            Assert.StartsWith($"the {PartSniffer.Describe(compression)} data is corrupt near compressed byte", error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(PartCompression.Zstd)]
        [InlineData(PartCompression.Bzip2)]
        public async Task RefusesDataAfterTheCompressedTar(PartCompression compression)
        {
            var bytes = await File.ReadAllBytesAsync(await MakeAsync(compression));
            var input = _workspace.WriteInput("extra" + PartSniffer.Extension(compression), [.. bytes, .. "trailing garbage"u8]);

            var error = await RefuseAsync(input, compression);

            Assert.Contains(PartSniffer.Describe(compression), error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("zstd", PartCompression.Zstd)]
        [InlineData("bzip2", PartCompression.Bzip2)]
        public async Task ValidatesTheTarInsideAZstOrBz2AsForAnyOther(string tool, PartCompression compression)
        {
            var tar = _workspace.WriteInput("evil.tar", new TarballBuilder().WithFile("system/ok", "fine").WithFile("../../etc/passwd", "x").Build());
            var input = _workspace.Input("evil" + PartSniffer.Extension(compression));
            await PartTools.RunToFileAsync(input, tool, "-c", "--", tar);

            var error = await RefuseAsync(input, compression);

            Assert.Equal("tar entry '../../etc/passwd' has an absolute path or a '..' segment", error);
        }

        [Theory]
        [InlineData("zstd", PartCompression.Zstd)]
        [InlineData("bzip2", PartCompression.Bzip2)]
        public async Task RefusesACompressedTextFile(string tool, PartCompression compression)
        {
            var text = _workspace.WriteInput("notes", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a tarball\n", 100))));
            var input = _workspace.Input("notes" + PartSniffer.Extension(compression));
            await PartTools.RunToFileAsync(input, tool, "-c", "--", text);

            var error = await RefuseAsync(input, compression);

            Assert.Equal("the data is not a tar archive: its first header has no ustar magic", error);
        }

        [Fact]
        public async Task RefusesATarCutInsideAFile()
        {
            var tar = await File.ReadAllBytesAsync(await _workspace.TarAsync());
            var input = _workspace.WriteInput("cut.tar", tar[..(tar.Length / 2)]);

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.StartsWith($"the tar archive is truncated: it ends after {tar.Length / 2} bytes, inside the data of 'system/", error, StringComparison.Ordinal);
        }

        [Fact]
        public async Task RefusesATarWithoutItsEndOfArchiveMarker()
        {
            var tar = new TarballBuilder().WithFile("system/a", "a").Build();
            var input = _workspace.WriteInput("cut.tar", tar[..^1024]);

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.Equal($"the tar archive is truncated: it ends after {tar.Length - 1024} bytes, before the end-of-archive marker", error);
        }

        [Fact]
        public async Task RefusesDataAfterTheEndOfArchiveMarker()
        {
            var tar = new TarballBuilder().WithFile("system/a", "a").Build();
            var input = _workspace.WriteInput("extra.tar", [.. tar, .. new TarballBuilder().WithFile("../hidden", "b").Build()]);

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.Equal($"the tar archive has data after its end-of-archive marker, at byte {tar.Length}", error);
        }

        [Fact]
        public async Task RefusesATextFile()
        {
            var input = _workspace.WriteInput("notes.tar", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a tarball\n", 100))));

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.Equal("the file is not a .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2: it starts with neither a tar header nor the gzip, xz, zstd or bzip2 magic bytes", error);
        }

        [Fact]
        public async Task RefusesAGzippedTextFile()
        {
            var text = _workspace.WriteInput("notes", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a tarball\n", 100))));
            var input = _workspace.Input("notes.tar.gz");
            await PartTools.RunToFileAsync(input, "gzip", "-c", "--", text);

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.Equal("the data is not a tar archive: its first header has no ustar magic", error);
        }

        [Fact]
        public async Task RefusesAnEmptyFile()
        {
            var input = _workspace.WriteInput("empty.tar.xz", []);

            var error = await RefuseAsync(input, PartCompression.Xz);

            Assert.Equal("the file is empty", error);
        }

        [Fact]
        public async Task RefusesAnArchiveWithNoEntries()
        {
            var tar = _workspace.WriteInput("nothing.tar", new byte[10240]);
            var input = _workspace.Input("nothing.tar.gz");
            await PartTools.RunToFileAsync(input, "gzip", "-c", "--", tar);

            var error = await RefuseAsync(input, PartCompression.Gzip);

            Assert.Equal("the tar archive has no entries", error);
        }

        [Theory]
        [InlineData(PartCompression.Gzip, "part.tar.xz", "announced .tar.gz but the file is xz")]
        [InlineData(PartCompression.Xz, "part.tar.gz", "announced .tar.xz but the file is gzip")]
        [InlineData(PartCompression.Gzip, "part.tar", "announced .tar.gz but the file is an uncompressed tar")]
        [InlineData(PartCompression.Zstd, "part.tar.gz", "announced .tar.zst but the file is gzip")]
        [InlineData(PartCompression.Bzip2, "part.tar.zst", "announced .tar.bz2 but the file is zstd")]
        [InlineData(PartCompression.Xz, "part.tar.bz2", "announced .tar.xz but the file is bzip2")]
        [InlineData(PartCompression.Zstd, "part.tar", "announced .tar.zst but the file is an uncompressed tar")]
        public async Task RefusesAFileThatIsNotTheAnnouncedCompression(PartCompression announced, string actual, string expected)
        {
            var input = actual switch
            {
                "part.tar.xz" => await _workspace.TarXzAsync(actual),
                "part.tar.gz" => await _workspace.TarGzAsync(actual),
                "part.tar.zst" => await _workspace.TarZstAsync(actual),
                "part.tar.bz2" => await _workspace.TarBz2Async(actual),
                _ => await _workspace.TarAsync(actual),
            };

            var error = await RefuseAsync(input, announced);

            Assert.Equal(expected, error);
        }

        [Fact]
        public async Task RefusesAPaxHeaderLargerThanTheLimitInsteadOfBufferingIt()
        {
            var attributes = new Dictionary<string, string> { ["comment"] = new('c', 2 * TarReadGuard.MaxHeaderBytes) };
            var input = _workspace.WriteInput("huge-header.tar", new TarballBuilder().WithPaxAttributes("system/a", attributes).Build());

            var error = await RefuseAsync(input, PartCompression.Tar);

            Assert.StartsWith("a tar header with its long-name or PAX records is larger than 1 MiB", error, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(PartCompression.Tar)]
        [InlineData(PartCompression.Xz)]
        public async Task RefusesMoreEntriesThanTheLimitAndKeepsNoManifest(PartCompression compression)
        {
            var tar = new TarballBuilder();
            for (var i = 0; i < 11; i++)
            {
                tar.WithFile($"system/empty-{i}", "");
            }

            var input = _workspace.WriteInput("many.tar", tar.Build());
            if (compression == PartCompression.Xz)
            {
                var xz = _workspace.Input("many.tar.xz");
                await PartTools.RunToFileAsync(xz, "xz", "-c", "--", input);
                input = xz;
            }

            var result = await PartWorkspace.Preparer(maxEntries: 10).PrepareAsync(input, compression, _workspace.Work, CancellationToken.None);

            Assert.Equal("the tar archive has more than 10 entries, the most one part may have (SystemImage:Limits:MaxEntriesPerPart)", result.Error);
            _workspace.AssertWorkIsEmpty();
        }

        [Fact]
        public async Task AcceptsExactlyAsManyEntriesAsTheLimit()
        {
            var tar = new TarballBuilder();
            for (var i = 0; i < 10; i++)
            {
                tar.WithFile($"system/empty-{i}", "");
            }

            var result = await PartWorkspace.Preparer(maxEntries: 10).PrepareAsync(
                _workspace.WriteInput("ten.tar", tar.Build()), PartCompression.Tar, _workspace.Work, CancellationToken.None);

            Assert.Equal(10, result.Part?.Entries);
        }

        [Fact]
        public async Task DeletesTheOutputAndThrowsSoonWhenCancelledHalfway()
        {
            // At -9 this is one .xz block that takes tens of seconds to compress; cancelling must not wait for it.
            var input = _workspace.WriteInput("big.tar", new TarballBuilder()
                .WithFile("system/a", SemiRandomStream.Bytes(32 << 20, seed: 3))
                .Build());
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                PartWorkspace.Preparer(preset: 9).PrepareAsync(input, PartCompression.Tar, _workspace.Work, cancellation.Token));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Cancelling took {clock.Elapsed}.");
            _workspace.AssertWorkIsEmpty();
        }

        [Fact]
        public async Task CreatesNothingWhenCancelledBeforeItStarts()
        {
            var input = await _workspace.TarXzAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                PartWorkspace.Preparer().PrepareAsync(input, PartCompression.Xz, _workspace.Work, new CancellationToken(canceled: true)));

            _workspace.AssertWorkIsEmpty();
        }

        public void Dispose() => _workspace.Dispose();

        private Task<string> MakeAsync(PartCompression compression) => compression switch
        {
            PartCompression.Zstd => _workspace.TarZstAsync(),
            PartCompression.Bzip2 => _workspace.TarBz2Async(),
            _ => _workspace.TarGzAsync(),
        };

        private async Task<string> RefuseAsync(string input, PartCompression? announced)
        {
            var result = await PartWorkspace.Preparer().PrepareAsync(input, announced, _workspace.Work, CancellationToken.None);

            Assert.Null(result.Part);
            var error = Assert.IsType<string>(result.Error);
            Assert.DoesNotContain('\n', error);
            _workspace.AssertWorkIsEmpty();
            return error;
        }
    }
}
