using System.Text;
using SystemImage.Core.Images.Parts;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

/// <summary>
/// Archives the hostile-input probe got published although devices cannot unpack them, or that broke the device's next
/// publish: each is refused at validation with one line naming the entry, leaving the work directory empty.
/// </summary>
public sealed class TarHeaderRefusalTests : IDisposable
{
    private readonly PartWorkspace _workspace = new();

    [Fact]
    public async Task RefusesAHeaderWhoseChecksumIsWrong()
    {
        var tar = RawTar.Of(RawTar.File("system/ok", "fine"), RawTar.File("system/x", "data", checksumOffBy: 5));

        var error = await RefuseAsync(tar);

        Assert.Equal("the tar archive is corrupt: the header at byte 1024 has a wrong checksum", error);
    }

    [Fact]
    public async Task AcceptsHeadersWithTheirChecksumsRightAndOldStyleSignedSums()
    {
        // Old tars summed the bytes as signed chars; GNU tar and Python's tarfile accept both.
        var tar = RawTar.Of(RawTar.File("system/é-plain", "one"), RawTar.File("system/é-signed", "two", signedChecksum: true));

        var result = await PartWorkspace.Preparer().PrepareAsync(_workspace.WriteInput("ok.tar", tar), PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.True(result.Error is null, result.Error);
        Assert.Equal(2, result.Part?.Entries);
    }

    [Fact]
    public async Task RefusesAPaxHeaderWhoseChecksumIsWrong()
    {
        var good = new TarballBuilder().InPaxFormat().WithFile("system/" + new string('p', 150), "x").Build();
        good[148] ^= 1;

        var error = await RefuseAsync(good);

        Assert.Equal("the tar archive is corrupt: the header at byte 0 has a wrong checksum", error);
    }

    [Theory]
    [InlineData('Z')]
    [InlineData('V')]
    [InlineData('M')]
    [InlineData('D')]
    public async Task RefusesEntryTypesAnImageCannotHold(char type)
    {
        var tar = RawTar.Of(RawTar.File("system/ok", "fine"), RawTar.Entry(Encoding.UTF8.GetBytes("system/odd"), type, []));

        var error = await RefuseAsync(tar);

        Assert.StartsWith($"tar entry 'system/odd' has type '{type}'", error, StringComparison.Ordinal);
        Assert.EndsWith("an image holds only files, directories, links, device nodes and FIFOs", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesAGnuSparseFile()
    {
        var tar = RawTar.Of(RawTar.File("system/ok", "fine"), RawTar.Entry(Encoding.UTF8.GetBytes("system/sparse"), 'S', new byte[512]));

        var error = await RefuseAsync(tar);

        Assert.StartsWith("the tar archive is corrupt near byte 1536: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptsAContiguousFileAsGnuTarDoes()
    {
        var tar = RawTar.Of(RawTar.Entry(Encoding.UTF8.GetBytes("system/contiguous"), '7', Encoding.UTF8.GetBytes("data")));

        var result = await PartWorkspace.Preparer().PrepareAsync(_workspace.WriteInput("ok.tar", tar), PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.True(result.Error is null, result.Error);
    }

    [Fact]
    public async Task RefusesANameWithALineBreak()
    {
        var tar = RawTar.Of(RawTar.File("system/ok", "fine"), RawTar.File("etc/a\nb", "x"));

        var error = await RefuseAsync(tar);

        Assert.Equal("tar entry 'etc/a?b' has a line break in its name, which a delta's list of removed files cannot hold", error);
    }

    [Fact]
    public async Task RefusesANameThatIsNotUtf8()
    {
        var tar = RawTar.Of(RawTar.Entry([.. "system/bad"u8, 0xFF, .. "name"u8], '0', "x"u8.ToArray()));

        var error = await RefuseAsync(tar);

        Assert.Equal("tar entry 'system/bad\uFFFDname' has a name or link target that is not valid UTF-8", error);
    }

    [Fact]
    public async Task RefusesASymbolicLinkTargetThatIsNotUtf8()
    {
        var tar = RawTar.Of(RawTar.Entry("system/link"u8.ToArray(), '2', [], linkName: [.. "bad"u8, 0xFE]));

        var error = await RefuseAsync(tar);

        Assert.Equal("tar entry 'system/link' has a name or link target that is not valid UTF-8", error);
    }

    public void Dispose() => _workspace.Dispose();

    private async Task<string> RefuseAsync(byte[] tar)
    {
        var result = await PartWorkspace.Preparer().PrepareAsync(_workspace.WriteInput("bad.tar", tar), PartCompression.Tar, _workspace.Work, CancellationToken.None);

        Assert.Null(result.Part);
        var error = Assert.IsType<string>(result.Error);
        Assert.DoesNotContain('\n', error);
        _workspace.AssertWorkIsEmpty();
        return error;
    }

    /// <summary>Ustar archives written byte by byte, for headers no tar writer would make.</summary>
    private static class RawTar
    {
        public static byte[] Of(params byte[][] entries) => [.. entries.SelectMany(e => e), .. new byte[1024]];

        public static byte[] File(string name, string content, int checksumOffBy = 0, bool signedChecksum = false) =>
            Entry(Encoding.UTF8.GetBytes(name), '0', Encoding.UTF8.GetBytes(content), checksumOffBy: checksumOffBy, signedChecksum: signedChecksum);

        public static byte[] Entry(byte[] name, char type, byte[] data, byte[]? linkName = null, int checksumOffBy = 0, bool signedChecksum = false)
        {
            var header = new byte[512];
            name.CopyTo(header, 0);
            Ascii(header, 100, "0000644\0");
            Ascii(header, 108, "0000000\0");
            Ascii(header, 116, "0000000\0");
            Ascii(header, 124, Convert.ToString(data.Length, 8).PadLeft(11, '0') + "\0");
            Ascii(header, 136, "00000000000\0");
            Ascii(header, 148, "        ");
            header[156] = (byte)type;
            linkName?.CopyTo(header, 157);
            Ascii(header, 257, "ustar\0");
            Ascii(header, 263, "00");
            var sum = signedChecksum ? header.Sum(b => (sbyte)b) : header.Sum(b => b);
            Ascii(header, 148, Convert.ToString(sum + checksumOffBy, 8).PadLeft(6, '0') + "\0 ");
            var padded = new byte[(data.Length + 511) / 512 * 512];
            data.CopyTo(padded, 0);
            return [.. header, .. padded];
        }

        private static void Ascii(byte[] header, int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
    }
}
