using SystemImage.Core.Security;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SystemImage.Core.Configuration;
using SystemImage.Core.Images;
using SystemImage.Core.Storage;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>
/// <c>POST …/images</c>: a multipart upload, one part per file (the part's name is the image part: <c>ubuntu</c>,
/// <c>device</c>…; its file name ends in .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2). Files stream to a private
/// work area on disk, never whole into memory; the request is limited to <see cref="ApiOptions.MaxUploadBytes"/>
/// (413 beyond) and its sections and fields by <see cref="UploadForm"/>. Nothing is published unless every part is a valid, safe tarball,
/// and a failed or aborted upload leaves no trace. 201 with the new image; 200 with what happened when the upload
/// changed nothing (the device's latest image already has these files).
/// </summary>
internal static class UploadApi
{
    public static async Task<Results<Created<ImageSummary>, Ok<UnchangedUploadDto>, ProblemHttpResult>> UploadAsync(
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
        var (form, status, detail) = await UploadForm.ReadAsync(http.Request.Body, boundary, work.Path, api.Value, cancellationToken);
        if (form is null)
        {
            return status == StatusCodes.Status413PayloadTooLarge ? TooLarge(limit) : TypedResults.Problem(detail: detail, statusCode: status);
        }

        if (form.Parts.Count == 0)
        {
            return ApiResults.BadRequest("The upload has no file parts (one part per file: ubuntu, device, custom…).");
        }

        if (ToRequest(channel, device, form.Parts, form.Fields) is not { } request)
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
            ? TypedResults.Ok(new UnchangedUploadDto(result.Message, latest))
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

    private static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        detail: $"The upload is larger than the limit of {limit} bytes (SystemImage:Api:MaxUploadBytes).",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}

/// <summary>What an upload that changed nothing answers (200): why, and the device's latest image, which already has these files.</summary>
public sealed record UnchangedUploadDto(string Message, ImageSummary Image);
