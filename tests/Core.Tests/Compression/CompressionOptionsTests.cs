using System.ComponentModel.DataAnnotations;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class CompressionOptionsTests
{
    public sealed class Validation
    {
        [Theory]
        [InlineData(0)]
        [InlineData(96)]
        [InlineData(4096)]
        public void AcceptsTheDefaultAndLimitsThatDecodeEveryPreset(long miB)
        {
            Assert.Empty(Validate(new CompressionOptions { MemoryLimitMiB = miB }));
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(1)]
        [InlineData(64)]
        public void RejectsNegativeLimitsAndLimitsTooSmallForXz9Files(long miB)
        {
            Assert.Contains(Validate(new CompressionOptions { MemoryLimitMiB = miB }), e => e.MemberNames.Contains(nameof(CompressionOptions.MemoryLimitMiB)));
        }

        private static List<ValidationResult> Validate(CompressionOptions options)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            return results;
        }
    }
}
