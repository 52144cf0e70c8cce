namespace SystemImage.TestUtilities.CdImage;

/// <summary>The files a cdimage build has per series and architecture.</summary>
public enum CdImagePart
{
    /// <summary><c>&lt;series&gt;-preinstalled-&lt;product&gt;-&lt;arch&gt;.tar.gz</c>, the rootfs.</summary>
    Rootfs,

    /// <summary><c>….device.tar.gz</c>.</summary>
    Device,

    /// <summary><c>….custom.tar.gz</c>.</summary>
    Custom,
}
