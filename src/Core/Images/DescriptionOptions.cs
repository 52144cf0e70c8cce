using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Images;

/// <summary>
/// Limits on the texts an image carries into every index.json that lists it (and into every alias's copy of it): the
/// description and its translations.
/// </summary>
public sealed class DescriptionOptions
{
    public const string SectionName = "SystemImage:Descriptions";

    /// <summary>Longest description, and longest translation, in bytes of UTF-8. Default 4096.</summary>
    [Range(1, 1 << 20)]
    public int MaxBytes { get; set; } = 4096;

    /// <summary>Most translations (languages) one image may carry. Default 64.</summary>
    [Range(0, 1000)]
    public int MaxTranslations { get; set; } = 64;
}
