using System.ComponentModel.DataAnnotations;
using SystemImage.Core.Signing;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

public static class KeyHierarchyTests
{
    public sealed class SignerOf
    {
        [Theory]
        [InlineData(KeyNames.ArchiveMaster, KeyNames.ArchiveMaster)]
        [InlineData(KeyNames.ImageMaster, KeyNames.ArchiveMaster)]
        [InlineData(KeyNames.ImageSigning, KeyNames.ImageMaster)]
        [InlineData(KeyNames.Blacklist, KeyNames.ImageMaster)]
        [InlineData(KeyNames.DeviceSigning, KeyNames.ImageSigning)]
        public void NamesTheKeyThatSignsEachKeyring(string keyring, string signer)
        {
            Assert.Equal(signer, KeyHierarchy.SignerOf(keyring));
        }

        [Fact]
        public void RefusesAnUnknownName()
        {
            Assert.Throws<ArgumentException>(() => KeyHierarchy.SignerOf("image-signer"));
        }
    }

    public sealed class BitsAndValidity
    {
        [Fact]
        public void MastersUseMasterKeyBitsAndTheOthersSigningKeyBits()
        {
            var options = new SigningOptions { MasterKeyBits = 8192, SigningKeyBits = 3072 };

            Assert.Equal([8192, 8192, 3072, 3072], KeyNames.All.Select(name => KeyHierarchy.BitsOf(name, options)));
        }

        [Fact]
        public void DefaultsGiveTwoYearImageSigningAndMonthlyDeviceSigningKeys()
        {
            var options = new SigningOptions();

            Assert.Equal(TimeSpan.FromDays(730), KeyHierarchy.ValidityOf(KeyNames.ImageSigning, options));
            Assert.Equal(TimeSpan.FromDays(31), KeyHierarchy.ValidityOf(KeyNames.DeviceSigning, options));
            Assert.Null(KeyHierarchy.ValidityOf(KeyNames.ArchiveMaster, options));
            Assert.Null(KeyHierarchy.ValidityOf(KeyNames.ImageMaster, options));
        }

        [Fact]
        public void TheBlacklistIsAKeyringWithoutAKeyOfItsOwn()
        {
            var options = new SigningOptions();

            Assert.Equal([KeyNames.ArchiveMaster, KeyNames.ImageMaster, KeyNames.ImageSigning, KeyNames.DeviceSigning], KeyNames.All);
            Assert.Throws<ArgumentException>(() => KeyHierarchy.BitsOf(KeyNames.Blacklist, options));
            Assert.Throws<ArgumentException>(() => KeyHierarchy.ValidityOf(KeyNames.Blacklist, options));
        }

        [Fact]
        public void MasterExpiryAppliesWhenConfigured()
        {
            var options = new SigningOptions { ArchiveMasterExpiryDays = 3650, ImageMasterExpiryDays = 1825 };

            Assert.Equal(TimeSpan.FromDays(3650), KeyHierarchy.ValidityOf(KeyNames.ArchiveMaster, options));
            Assert.Equal(TimeSpan.FromDays(1825), KeyHierarchy.ValidityOf(KeyNames.ImageMaster, options));
        }
    }

    public sealed class Options
    {
        [Fact]
        public void DefaultsAreValid()
        {
            var options = new SigningOptions();

            Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), null, validateAllProperties: true));
            Assert.Equal(4096, options.MasterKeyBits);
            Assert.Equal(2048, options.SigningKeyBits);
        }

        [Fact]
        public void KeysSmallerThan2048BitsAreRejected()
        {
            var options = new SigningOptions { SigningKeyBits = 1024 };
            var results = new List<ValidationResult>();

            Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
            Assert.Contains(nameof(SigningOptions.SigningKeyBits), results.Single().MemberNames);
        }
    }
}
