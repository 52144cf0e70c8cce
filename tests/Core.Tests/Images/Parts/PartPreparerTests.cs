using System.Security.Cryptography;
using SystemImage.Core.Images.Parts;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

public sealed class PartPreparerTests
{
    public sealed class PrepareAsync : IDisposable
    {
        private readonly PartWorkspace _workspace = new();

        [Fact]
        public async Task RecompressesATarToAnXzFileHoldingExactlyTheSameTar()
        {
            var input = await _workspace.TarAsync();

            var part = await AcceptAsync(input, PartCompression.Tar);

            Assert.False(part.StoredAsIs);
            Assert.Equal(PartCompression.Tar, part.InputCompression);
            Assert.Equal(await File.ReadAllBytesAsync(input), await PartTools.XzDecompressAsync(part.OutputPath));
            Assert.Equal(await PartWorkspace.CountEntriesAsync(input), part.Entries);
        }

        [Fact]
        public async Task RecompressesATarGzToAnXzFileHoldingExactlyTheTarInsideIt()
        {
            var input = await _workspace.TarGzAsync();
            var tar = _workspace.Input("expected.tar");
            await PartTools.RunToFileAsync(tar, "gzip", "-dc", "--", input);

            var part = await AcceptAsync(input, PartCompression.Gzip);

            Assert.False(part.StoredAsIs);
            Assert.Equal(PartCompression.Gzip, part.InputCompression);
            Assert.Equal(await File.ReadAllBytesAsync(tar), await PartTools.XzDecompressAsync(part.OutputPath));
            Assert.Equal(await PartWorkspace.CountEntriesAsync(input), part.Entries);
        }

        [Fact]
        public async Task ReadsEveryMemberOfAMultiMemberGzip()
        {
            var tar = await File.ReadAllBytesAsync(await _workspace.TarAsync());
            var half = tar.Length / 2;
            var first = _workspace.WriteInput("first", tar[..half]);
            var second = _workspace.WriteInput("second", tar[half..]);
            var input = _workspace.Input("two-members.tar.gz");
            await File.WriteAllBytesAsync(input, [.. await GzipAsync(first), .. await GzipAsync(second)]);

            var part = await AcceptAsync(input, PartCompression.Gzip);

            Assert.Equal(tar, await PartTools.XzDecompressAsync(part.OutputPath));
        }

        [Theory]
        [InlineData("part.tar.zst", "zstd")]
        [InlineData("part.tar.bz2", "bzip2")]
        public async Task RecompressesATarZstOrTarBz2ToAnXzFileThatXzAndPythonReadAsTheTarInsideIt(string name, string tool)
        {
            var input = await MakeAsync(name);
            var tar = _workspace.Input("expected.tar");
            await PartTools.RunToFileAsync(tar, tool, "-dc", "--", input);

            var part = await AcceptAsync(input, PartPreparer.CompressionFromFileName(name));

            Assert.False(part.StoredAsIs);
            Assert.Equal(PartPreparer.CompressionFromFileName(name), part.InputCompression);
            Assert.Equal(await File.ReadAllBytesAsync(tar), await PartTools.XzDecompressAsync(part.OutputPath));
            var listed = (await PartTools.RunAsync("tar", "-tf", tar)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(listed.Select(n => n.TrimEnd('/')), await PartTools.PythonTarNamesAsync(part.OutputPath));
            Assert.Equal(listed.Length, part.Entries);
        }

        [Theory]
        [InlineData("zstd", "two-frames.tar.zst")]
        [InlineData("bzip2", "two-streams.tar.bz2")]
        public async Task ReadsEveryFrameOrStreamOfAConcatenatedZstOrBz2(string tool, string name)
        {
            var tar = await File.ReadAllBytesAsync(await _workspace.TarAsync());
            var half = tar.Length / 2;
            var first = _workspace.WriteInput("first", tar[..half]);
            var second = _workspace.WriteInput("second", tar[half..]);
            var input = _workspace.Input(name);
            await File.WriteAllBytesAsync(input, [.. await CompressAsync(tool, first), .. await CompressAsync(tool, second)]);

            var part = await AcceptAsync(input, PartPreparer.CompressionFromFileName(name));

            Assert.Equal(tar, await PartTools.XzDecompressAsync(part.OutputPath));
        }

        [Fact]
        public async Task StoresATarXzAsItIsWithoutRecompressing()
        {
            var input = await _workspace.TarXzAsync();

            var part = await AcceptAsync(input, PartCompression.Xz);

            Assert.True(part.StoredAsIs);
            Assert.Equal(PartCompression.Xz, part.InputCompression);
            Assert.Equal(await File.ReadAllBytesAsync(input), await File.ReadAllBytesAsync(part.OutputPath));
            Assert.Equal(part.SourceSha256, part.Checksum);
            Assert.Equal(await PartWorkspace.CountEntriesAsync(input), part.Entries);
        }

        [Fact]
        public async Task HardLinksATarXzTheServerOwnsOnTheSameFilesystem()
        {
            var input = await _workspace.TarXzAsync();

            var part = await AcceptAsync(input, PartCompression.Xz, owned: true);

            Assert.Equal("2", (await PartTools.RunAsync("stat", "-c", "%h", "--", part.OutputPath)).Trim());
            Assert.Equal("644", (await PartTools.RunAsync("stat", "-c", "%a", "--", part.OutputPath)).Trim());
        }

        [Fact]
        public async Task NeverLinksSomeoneElsesTarXzSoRewritingItLaterLeavesThePartAsItWas()
        {
            var input = await _workspace.TarXzAsync();
            File.SetUnixFileMode(input, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var original = await File.ReadAllBytesAsync(input);

            var part = await AcceptAsync(input, PartCompression.Xz);
            await using (var rewrite = new FileStream(input, FileMode.Open, FileAccess.Write))
            {
                rewrite.Position = original.Length / 2;
                rewrite.WriteByte((byte)(original[original.Length / 2] ^ 0xff));
            }

            Assert.Equal("1", (await PartTools.RunAsync("stat", "-c", "%h", "--", part.OutputPath)).Trim());
            Assert.Equal("644", (await PartTools.RunAsync("stat", "-c", "%a", "--", part.OutputPath)).Trim());
            Assert.Equal(original, await File.ReadAllBytesAsync(part.OutputPath));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(original)), part.Checksum);
        }

        [Fact]
        public async Task CopiesATarXzWhenItCannotBeHardLinked()
        {
            var input = await _workspace.TarXzAsync();

            var result = await PartWorkspace.Preparer(linkInputs: false).PrepareAsync(input, PartCompression.Xz, _workspace.Work, CancellationToken.None);

            var part = Assert.IsType<PreparedPart>(result.Part);
            Assert.True(part.StoredAsIs);
            Assert.Equal("1", (await PartTools.RunAsync("stat", "-c", "%h", "--", part.OutputPath)).Trim());
            Assert.Equal(await File.ReadAllBytesAsync(input), await File.ReadAllBytesAsync(part.OutputPath));
            Assert.Equal(await PartTools.Sha256SumAsync(input), part.Checksum);
        }

        [Theory]
        [InlineData("part.tar")]
        [InlineData("part.tar.gz")]
        [InlineData("part.tar.xz")]
        [InlineData("part.tar.zst")]
        [InlineData("part.tar.bz2")]
        public async Task NamesTheSourceHashAsSha256sumDoesAndTheChecksumAfterTheOutput(string name)
        {
            var input = await MakeAsync(name);

            var part = await AcceptAsync(input, PartPreparer.CompressionFromFileName(name));

            Assert.Equal(await PartTools.Sha256SumAsync(input), part.SourceSha256);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(part.OutputPath))), part.Checksum);
            Assert.Equal(new FileInfo(part.OutputPath).Length, part.Size);
            Assert.Equal(_workspace.Work, Path.GetDirectoryName(part.OutputPath));
        }

        [Theory]
        [InlineData("part.tar")]
        [InlineData("part.tar.gz")]
        [InlineData("part.tar.xz")]
        [InlineData("part.tar.zst")]
        [InlineData("part.tar.bz2")]
        public async Task DetectsTheCompressionWhenNoneWasAnnounced(string name)
        {
            var input = await MakeAsync(name);

            var part = await AcceptAsync(input, announced: null);

            Assert.Equal(PartPreparer.CompressionFromFileName(name), part.InputCompression);
        }

        [Fact]
        public async Task AcceptsSymlinksToAbsolutePathsAndSafeHardLinks()
        {
            var input = _workspace.WriteInput("links.tar", new TarballBuilder()
                .WithDirectory("system/etc/")
                .WithSymbolicLink("system/etc/mtab", "/proc/mounts")
                .WithSymbolicLink("system/vendor", "../android/system/vendor")
                .WithFile("system/bin/a", "a")
                .WithHardLink("system/bin/b", "system/bin/a")
                .WithFile("system/..hidden/..file", "dots that are not a '..' segment")
                .Build());

            var part = await AcceptAsync(input, PartCompression.Tar);

            Assert.Equal(6, part.Entries);
        }

        [Fact]
        public async Task AcceptsPaxHeadersWithLongNames()
        {
            var name = "system/" + new string('d', 150) + "/file";
            var input = _workspace.WriteInput("pax.tar", new TarballBuilder().InPaxFormat().WithFile(name, "x").Build());

            var part = await AcceptAsync(input, PartCompression.Tar);

            Assert.Equal(1, part.Entries);
        }

        [Fact]
        public async Task LeavesOnlyTheOutputAndItsManifestInTheWorkDirectory()
        {
            var input = await _workspace.TarGzAsync();

            var part = await AcceptAsync(input, PartCompression.Gzip);

            Assert.Equal([part.OutputPath, part.Manifest?.FilePath], Directory.GetFileSystemEntries(_workspace.Work).Order());
            Assert.Equal(part.Entries, part.Manifest?.Count);
            Assert.StartsWith(".", Path.GetFileName(part.OutputPath), StringComparison.Ordinal);
        }

        public void Dispose() => _workspace.Dispose();

        private async Task<PreparedPart> AcceptAsync(string input, PartCompression? announced, bool owned = false)
        {
            var result = await PartWorkspace.Preparer().PrepareAsync(input, announced, _workspace.Work, CancellationToken.None, owned: owned);
            Assert.Null(result.Error);
            return Assert.IsType<PreparedPart>(result.Part);
        }

        private Task<string> MakeAsync(string name) => name switch
        {
            "part.tar" => _workspace.TarAsync(name),
            "part.tar.gz" => _workspace.TarGzAsync(name),
            "part.tar.zst" => _workspace.TarZstAsync(name),
            "part.tar.bz2" => _workspace.TarBz2Async(name),
            _ => _workspace.TarXzAsync(name),
        };

        private static Task<byte[]> GzipAsync(string file) => CompressAsync("gzip", file);

        /// <summary>What <c>gzip</c>, <c>zstd</c> or <c>bzip2 -c</c> makes of <paramref name="file"/>.</summary>
        private static async Task<byte[]> CompressAsync(string tool, string file)
        {
            var output = file + "." + tool;
            await PartTools.RunToFileAsync(output, tool, "-c", "--", file);
            return await File.ReadAllBytesAsync(output);
        }
    }

    public sealed class CompressionFromFileName
    {
        [Theory]
        [InlineData("ubuntu.tar", PartCompression.Tar)]
        [InlineData("ubuntu.tar.gz", PartCompression.Gzip)]
        [InlineData("ubuntu.tgz", PartCompression.Gzip)]
        [InlineData("ubuntu.tar.xz", PartCompression.Xz)]
        [InlineData("UBUNTU.TAR.XZ", PartCompression.Xz)]
        [InlineData("ubuntu.tar.zst", PartCompression.Zstd)]
        [InlineData("ubuntu.tzst", PartCompression.Zstd)]
        [InlineData("ubuntu.tar.bz2", PartCompression.Bzip2)]
        [InlineData("ubuntu.tbz2", PartCompression.Bzip2)]
        [InlineData("Ubuntu.TBZ", PartCompression.Bzip2)]
        public void ReadsTheCompressionFromTheSuffix(string fileName, PartCompression expected) =>
            Assert.Equal(expected, PartPreparer.CompressionFromFileName(fileName));

        [Theory]
        [InlineData("ubuntu.zip")]
        [InlineData("ubuntu.tar.lz4")]
        [InlineData("ubuntu.tar.zst.part")]
        [InlineData("ubuntu")]
        [InlineData("")]
        public void ReturnsNullForAnythingElse(string fileName) =>
            Assert.Null(PartPreparer.CompressionFromFileName(fileName));
    }

    public sealed class FileNameEndingOrNull
    {
        [Theory]
        [InlineData("rootfs.tar.gz", ".tar.gz")]
        [InlineData("ROOTFS.TAR.ZST", ".tar.zst")]
        [InlineData("rootfs.tbz", ".tbz")]
        [InlineData("/builds/42/rootfs.tar.bz2", ".tar.bz2")]
        [InlineData("rootfs.tar", ".tar")]
        public void GivesTheAnnouncingEndingInLowerCase(string fileName, string expected) =>
            Assert.Equal(expected, PartPreparer.FileNameEndingOrNull(fileName));

        [Theory]
        [InlineData("rootfs.zip")]
        [InlineData("/download")]
        public void IsNullWithoutOne(string fileName) => Assert.Null(PartPreparer.FileNameEndingOrNull(fileName));
    }
}
