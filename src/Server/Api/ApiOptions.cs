using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.Api;

/// <summary>Limits of the REST API.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "SystemImage:Api";

    /// <summary>Largest image upload (the whole multipart request) in bytes; larger ones get 413. Default 4 GiB.</summary>
    [Range(typeof(long), "1", "1125899906842624")]
    public long MaxUploadBytes { get; set; } = 4L << 30;
}
