namespace SystemImage.Core.Persistence.Entities;

/// <summary>Who makes a channel's images (SPEC §5).</summary>
public enum ChannelType
{
    /// <summary>Images are published by hand, by the API or by copying from another channel.</summary>
    Manual = 0,

    /// <summary>The importer builds images from the channel's file list, on its schedule or on demand.</summary>
    Auto = 1,
}
