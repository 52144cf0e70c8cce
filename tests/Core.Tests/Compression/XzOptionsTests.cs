using System.ComponentModel.DataAnnotations;
using SystemImage.Core.Compression;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

public sealed class XzOptionsTests
{
    public sealed class ToSettings
    {
        [Fact]
        public void DefaultsArePresetSixWithLiblzmasBlocksOnAllCores()
        {
            Assert.Equal(new XzSettings { Preset = 6, Extreme = false, BlockSize = 0, Threads = 0 }, new XzOptions().ToSettings());
        }

        [Fact]
        public void CopiesEveryProperty()
        {
            var options = new XzOptions { Preset = 3, Extreme = true, BlockSize = 1 << 25, Threads = 4 };

            Assert.Equal(new XzSettings { Preset = 3, Extreme = true, BlockSize = 1 << 25, Threads = 4 }, options.ToSettings());
        }
    }

    public sealed class Validation
    {
        [Fact]
        public void AcceptsTheDefaults()
        {
            Assert.Empty(Validate(new XzOptions()));
        }

        [Theory]
        [InlineData(-1, 0, 0, nameof(XzOptions.Preset))]
        [InlineData(10, 0, 0, nameof(XzOptions.Preset))]
        [InlineData(6, -1, 0, nameof(XzOptions.BlockSize))]
        [InlineData(6, 0, -1, nameof(XzOptions.Threads))]
        public void RejectsOutOfRangeValues(int preset, long blockSize, int threads, string property)
        {
            var errors = Validate(new XzOptions { Preset = preset, BlockSize = blockSize, Threads = threads });

            Assert.Contains(errors, e => e.MemberNames.Contains(property));
        }

        private static List<ValidationResult> Validate(XzOptions options)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            return results;
        }
    }
}
