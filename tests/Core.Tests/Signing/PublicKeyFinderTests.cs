using SystemImage.Core.Signing;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

public static class PublicKeyFinderTests
{
    public sealed class NormalizeFingerprint
    {
        private const string Fingerprint = "5B6D3F1A807368093905F1353A0061B1549D7CAB";

        [Theory]
        [InlineData("5B6D3F1A807368093905F1353A0061B1549D7CAB")]
        [InlineData("5b6d3f1a807368093905f1353a0061b1549d7cab")]
        [InlineData("5B6D 3F1A 8073 6809 3905  F135 3A00 61B1 549D 7CAB")]
        [InlineData(" 0x5B6D3F1A807368093905F1353A0061B1549D7CAB\n")]
        public void AcceptsWhatPeoplePaste(string typed) => Assert.Equal(Fingerprint, PublicKeyFinder.NormalizeFingerprint(typed));

        [Theory]
        [InlineData("")]
        [InlineData("3A0061B1549D7CAB")]
        [InlineData("5B6D3F1A807368093905F1353A0061B1549D7CABAA")]
        [InlineData("5B6D3F1A807368093905F1353A0061B1549D7CAG")]
        [InlineData("5B6D-3F1A-8073-6809-3905-F135-3A00-61B1-549D-7CAB")]
        public void RefusesAnythingButFortyHexDigits(string typed) => Assert.Null(PublicKeyFinder.NormalizeFingerprint(typed));
    }
}
