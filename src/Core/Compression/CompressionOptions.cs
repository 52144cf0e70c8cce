using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Compression;

/// <summary>How much memory .xz compression and decompression may use in this process.</summary>
public sealed class CompressionOptions : IValidatableObject
{
    public const string SectionName = "SystemImage:Compression";

    /// <summary>The smallest limit that still decodes every preset (<c>xz -9</c> files need 65 MiB).</summary>
    public const long MinimumMiB = 96;

    /// <summary>
    /// MiB of memory shared by every .xz encoder of the process and allowed to each .xz decoder. An encoder reserves
    /// liblzma's estimate of its memory before it starts and runs with as many threads as fit in what is free (waiting
    /// when not even one fits), so concurrent uploads and imports never add up to more; a file whose decoding needs more
    /// is refused as bad input. 0 (default): half of the memory available to the process (the machine's physical memory,
    /// or the container's limit).
    /// </summary>
    [Range(typeof(long), "0", "1073741824")]
    public long MemoryLimitMiB { get; set; }

    /// <summary>The limit in bytes: <see cref="MemoryLimitMiB"/>, or the default from the machine.</summary>
    public long MemoryLimitBytes => MemoryLimitMiB > 0 ? MemoryLimitMiB << 20 : XzMemoryBudget.DefaultLimitBytes();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemoryLimitMiB is > 0 and < MinimumMiB)
        {
            yield return new ValidationResult(
                $"MemoryLimitMiB must be 0 (half the available memory) or at least {MinimumMiB}, so .xz files made with any preset can be decoded.",
                [nameof(MemoryLimitMiB)]);
        }
    }
}
