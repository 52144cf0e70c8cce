using SystemImage.Core.Security;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SystemImage.Core.Channels;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images;
using SystemImage.Core.Storage;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>
/// <c>POST …/images</c>: a multipart upload, one part per file (the part's name is the image part: <c>ubuntu</c>,
/// <c>device</c>…; its file name ends in .tar.gz, .tar.xz or .tar). Files stream to a private work area on disk,
/// never whole into memory; the request is limited to <see cref="ApiOptions.MaxUploadBytes"/> (413 beyond). Nothing
/// is published unless every part is a valid, safe tarball, and a failed or aborted upload leaves no trace.
/// </summary>
internal static class UploadApi
{
    private const int MaxFieldBytes = 64 << 10;
    private static readonly string[] Extensions = [".tar.gz", ".tgz", ".tar.xz", ".tar"];

    public static async Task<Results<Created<ImageSummary>, Ok<ImageSummary>, ProblemHttpResult>> UploadAsync(
        string c, string d, HttpContext http, ImageService images, ImageQueries queries, IOptions<ApiOptions> api, IOptions<SystemImageOptions> data,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (channel, device) = (ApiResults.Name(c), ApiResults.Name(d));
        var limit = api.Value.MaxUploadBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        if (await queries.ListOrNullAsync(channel, device, cancellationToken) is not { } before)
        {
            return ImagesApi.NoDevice(c, d);
        }

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return ApiResults.BadRequest("Send the files as multipart/form-data, one part per file.");
        }

        using var work = WorkArea.Create(data.Value.StateDir, "upload");
        var parts = new List<PartInput>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { Length: > 0 } name)
                {
                    return ApiResults.BadRequest("Every multipart section needs a Content-Disposition with a name.");
                }

                if (!disposition.IsFileDisposition())
                {
                    fields[name] = await ReadFieldAsync(section.Body, cancellationToken) ?? throw new InvalidDataException($"Field '{name}' is longer than {MaxFieldBytes} bytes.");
                    continue;
                }

                var fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value ?? "";
                if (Extensions.FirstOrDefault(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase)) is not { } extension)
                {
                    return ApiResults.BadRequest($"Part '{name}': the file name '{fileName}' must end in .tar.gz, .tar.xz or .tar.");
                }

                if (Names.ValidatePart(name) is { } error)
                {
                    return ApiResults.BadRequest(error);
                }

                if (parts.Any(p => p.Name == name))
                {
                    return ApiResults.BadRequest($"Part '{name}' is given more than once.");
                }

                var path = Path.Combine(work.Path, name + extension.ToLowerInvariant());
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    await section.Body.CopyToAsync(file, cancellationToken);
                }

                parts.Add(new PartInput(name, path) { Owned = true });
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (InvalidDataException e)
        {
            return ApiResults.BadRequest($"The multipart request is malformed: {e.Message}");
        }

        if (parts.Count == 0)
        {
            return ApiResults.BadRequest("The upload has no file parts (one part per file: ubuntu, device, custom…).");
        }

        if (ToRequest(channel, device, parts, fields) is not { } request)
        {
            return ApiResults.BadRequest("phasedPercentage and minVersion must be whole numbers and bootme true or false.");
        }

        var result = await images.PublishAsync(request, user.ToActor(), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiResults.Problem(result);
        }

        var latest = (await queries.ListOrNullAsync(channel, device, cancellationToken))!.First(i => i.Type == "full");
        return before.Any(i => i.Type == "full" && i.Version == latest.Version)
            ? TypedResults.Ok(latest)
            : await ImagesApi.CreatedLatestAsync(queries, c, d, cancellationToken);
    }

    private static PublishImageRequest? ToRequest(string channel, string device, List<PartInput> parts, Dictionary<string, string> fields)
    {
        int? Integer(string key) => fields.TryGetValue(key, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
        if ((fields.ContainsKey("phasedPercentage") && Integer("phasedPercentage") is null)
            || (fields.ContainsKey("minVersion") && Integer("minVersion") is null)
            || (fields.TryGetValue("bootme", out var bootme) && !bool.TryParse(bootme, out _)))
        {
            return null;
        }

        return new PublishImageRequest(channel, device, parts)
        {
            Description = fields.GetValueOrDefault("description"),
            PhasedPercentage = Integer("phasedPercentage"),
            Tag = fields.GetValueOrDefault("tag"),
            MinVersion = Integer("minVersion"),
            Bootme = bootme is not null && bool.Parse(bootme),
        };
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return length > MaxFieldBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        detail: $"The upload is larger than the limit of {limit} bytes (SystemImage:Api:MaxUploadBytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
