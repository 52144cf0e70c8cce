using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Images.Parts;

/// <summary>Limits on what one image part (an uploaded or imported tarball) may hold.</summary>
public sealed class ArchiveLimitsOptions
{
    public const string SectionName = "SystemImage:Limits";

    /// <summary>
    /// Most entries (files, directories, links…) one part's tar may have; a part with more is refused as bad input. Every
    /// entry costs a few dozen bytes of memory while a delta is planned, so this bounds that memory. An Ubuntu Touch
    /// rootfs has about 100,000 entries. Default 1,000,000.
    /// </summary>
    [Range(1, 50_000_000)]
    public int MaxEntriesPerPart { get; set; } = 1_000_000;
}
