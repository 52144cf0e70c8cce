using System.Text;
using SystemImage.Core.Images.Parts;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

public sealed class PartSnifferTests
{
    public sealed class Detect
    {
        [Theory]
        [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00 }, PartCompression.Gzip)]
        [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00 }, PartCompression.Xz)]
        [InlineData(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x24 }, PartCompression.Zstd)]
        [InlineData(new byte[] { 0x50, 0x2A, 0x4D, 0x18, 0x04, 0, 0, 0 }, PartCompression.Zstd)]
        [InlineData(new byte[] { 0x5F, 0x2A, 0x4D, 0x18, 0x04, 0, 0, 0 }, PartCompression.Zstd)]
        [InlineData(new byte[] { (byte)'B', (byte)'Z', (byte)'h', (byte)'9', 0x31, 0x41 }, PartCompression.Bzip2)]
        [InlineData(new byte[] { (byte)'B', (byte)'Z', (byte)'h', (byte)'1' }, PartCompression.Bzip2)]
        public void KnowsEachCompressionByItsMagicBytes(byte[] head, PartCompression expected) =>
            Assert.Equal(expected, PartSniffer.Detect(head));

        [Theory]
        [InlineData("BZh0")]
        [InlineData("BZhx")]
        [InlineData("BZ")]
        [InlineData("(\u00b5/")]
        [InlineData("PK\u0003\u0004")]
        public void KnowsNothingElse(string head) => Assert.Null(PartSniffer.Detect(Encoding.Latin1.GetBytes(head)));

        [Fact]
        public void TakesATarWhoseFirstNameLooksLikeTheBzip2MagicForATar()
        {
            var tar = new TarballBuilder().WithFile("BZh91AY&SY", "a file named like bzip2's magic").Build();

            Assert.Equal(PartCompression.Tar, PartSniffer.Detect(tar.AsSpan(0, PartSniffer.HeadSize)));
        }
    }
}
