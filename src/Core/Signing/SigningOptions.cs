using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Signing;

/// <summary>Key sizes and lifetimes used when the server generates its OpenPGP key hierarchy.</summary>
public sealed class SigningOptions
{
    /// <summary>Configuration section bound to these options.</summary>
    public const string SectionName = "SystemImage:Signing";

    /// <summary>RSA modulus size in bits of the archive-master and image-master keys. Default 4096.</summary>
    [Range(2048, 16384)]
    public int MasterKeyBits { get; init; } = 4096;

    /// <summary>RSA modulus size in bits of the image-signing and device-signing keys. Default 2048.</summary>
    [Range(2048, 16384)]
    public int SigningKeyBits { get; init; } = 2048;

    /// <summary>Days from creation until the image-signing key (and its keyring) expires. Default 730 (two years).</summary>
    [Range(1, 36500)]
    public int ImageSigningExpiryDays { get; init; } = 730;

    /// <summary>Days from creation until a device-signing key (and its keyring) expires. Default 31.</summary>
    [Range(1, 36500)]
    public int DeviceSigningExpiryDays { get; init; } = 31;

    /// <summary>Days from creation until the image-master key expires; 0 means it never expires. Default 0.</summary>
    [Range(0, 36500)]
    public int ImageMasterExpiryDays { get; init; }

    /// <summary>Days from creation until the archive-master key expires; 0 means it never expires. Default 0.</summary>
    [Range(0, 36500)]
    public int ArchiveMasterExpiryDays { get; init; }
}
