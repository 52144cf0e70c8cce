using System.ComponentModel.DataAnnotations;

namespace SystemImage.Server.Api;

/// <summary>Limits of the REST API.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "SystemImage:Api";

    /// <summary>Largest image upload (the whole multipart request) in bytes; larger ones get 413. Default 4 GiB.</summary>
    [Range(typeof(long), "1", "1125899906842624")]
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Most sections (files and fields) one multipart upload may have, and most fields any posted form may have; more
    /// are refused with 400 before they are read. Default 32.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxFormFields { get; set; } = 32;

    /// <summary>Longest text field of an upload or a form (a description…) in bytes; longer ones get 400. Default 64 KiB.</summary>
    [Range(1, 16 << 20)]
    public int MaxFormFieldBytes { get; set; } = 64 << 10;

    /// <summary>Longest field name of a posted form in bytes; longer ones get 400. Default 1 KiB.</summary>
    [Range(1, 1 << 20)]
    public int MaxFormKeyBytes { get; set; } = 1 << 10;

    /// <summary>Most bytes of the headers of one multipart section (its name, file name and type); more get 400. Default 16 KiB.</summary>
    [Range(1, 1 << 20)]
    public int MaxFormHeaderBytes { get; set; } = 16 << 10;
}
