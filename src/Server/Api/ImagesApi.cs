using SystemImage.Core.Security;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Images;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels/{c}/devices/{d}/images</c>: list, read, phase, describe, tag, copy (promote) and remove images.</summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImagesApi(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/channels/{c}/devices/{d}/images").WithTags("Images");
        images.MapGet("/", ListAsync).RequireAuthorization(SecurityExtensions.Viewer);
        images.MapGet("/{v:int}", GetAsync).RequireAuthorization(SecurityExtensions.Viewer);
        images.MapDelete("/{v:int}", RemoveAsync).RequireAuthorization(SecurityExtensions.Publisher);
        images.MapPut("/{v:int}/phased-percentage", SetPhasedPercentageAsync).RequireAuthorization(SecurityExtensions.Publisher);
        images.MapPut("/{v:int}/description", SetDescriptionAsync).RequireAuthorization(SecurityExtensions.Publisher);
        images.MapPost("/{v:int}/tag", TagAsync).RequireAuthorization(SecurityExtensions.Publisher);
        images.MapPost("/copy", CopyAsync).RequireAuthorization(SecurityExtensions.Publisher);
        images.MapPost("/", UploadApi.UploadAsync).RequireAuthorization(SecurityExtensions.Publisher).DisableAntiforgery();
        return api;
    }

    private static async Task<Results<Ok<List<ImageSummary>>, ProblemHttpResult>> ListAsync(
        string c, string d, string? type, ImageQueries queries, CancellationToken cancellationToken)
    {
        if (type is not (null or "full" or "delta"))
        {
            return ApiResults.BadRequest($"'type' must be full or delta, not '{type}'.");
        }

        return await queries.ListOrNullAsync(ApiResults.Name(c), ApiResults.Name(d), cancellationToken) is { } images
            ? TypedResults.Ok(images.Where(i => type is null || i.Type == type).ToList())
            : NoDevice(c, d);
    }

    private static async Task<Results<Ok<ImageSummary>, ProblemHttpResult>> GetAsync(
        string c, string d, int v, string? type, int? @base, ImageQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.ListOrNullAsync(ApiResults.Name(c), ApiResults.Name(d), cancellationToken) is not { } images)
        {
            return NoDevice(c, d);
        }

        var delta = type == "delta";
        if (delta && @base is null)
        {
            return ApiResults.BadRequest("A delta is named by its version and its base: add base=N.");
        }

        return images.FirstOrDefault(i => i.Version == v && (delta ? i.Type == "delta" && i.Base == @base : i.Type == "full")) is { } image
            ? TypedResults.Ok(image)
            : ApiResults.NotFound(delta ? $"There is no delta {@base}→{v} of {ApiResults.Name(c)}/{ApiResults.Name(d)}." : $"There is no full image {v} of {ApiResults.Name(c)}/{ApiResults.Name(d)}.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string c, string d, int v, string? type, int? @base, ImageEditor editor, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (type == "delta" && @base is null)
        {
            return ApiResults.BadRequest("A delta is named by its version and its base: add base=N.");
        }

        var result = await editor.RemoveAsync(ApiResults.Name(c), ApiResults.Name(d), v, type == "delta" ? @base : null, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }

    private static async Task<Results<Ok<ImageSummary>, ProblemHttpResult>> SetPhasedPercentageAsync(
        string c, string d, int v, PhasedPercentageRequest request, ImageEditor editor, ImageQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Percentage is not { } percentage)
        {
            return ApiResults.BadRequest("'percentage' is required (0–100).");
        }

        var result = await editor.SetPhasedPercentageAsync(ApiResults.Name(c), ApiResults.Name(d), v, percentage, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(await FullAsync(queries, c, d, v, cancellationToken)) : ApiResults.Problem(result);
    }

    private static async Task<Results<Ok<ImageSummary>, ProblemHttpResult>> SetDescriptionAsync(
        string c, string d, int v, DescriptionRequest request, ImageEditor editor, ImageQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Description is null)
        {
            return ApiResults.BadRequest("'description' is required.");
        }

        var result = await editor.SetDescriptionAsync(ApiResults.Name(c), ApiResults.Name(d), v, request.Description, request.Translations, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(await FullAsync(queries, c, d, v, cancellationToken)) : ApiResults.Problem(result);
    }

    private static async Task<Results<Created<ImageSummary>, ProblemHttpResult>> TagAsync(
        string c, string d, int v, TagRequest request, ImageCopyService copies, ImageQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Tag))
        {
            return ApiResults.BadRequest("'tag' is required.");
        }

        var result = await copies.TagAsync(ApiResults.Name(c), ApiResults.Name(d), v, request.Tag, user.ToActor(), cancellationToken);
        return result.Succeeded ? await CreatedLatestAsync(queries, c, d, cancellationToken) : ApiResults.Problem(result);
    }

    private static async Task<Results<Created<ImageSummary>, ProblemHttpResult>> CopyAsync(
        string c, string d, CopyRequest request, ImageCopyService copies, ImageQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.FromChannel))
        {
            return ApiResults.BadRequest("'fromChannel' is required.");
        }

        var copy = new CopyImageRequest(request.FromChannel, ApiResults.Name(c), ApiResults.Name(d))
        {
            Version = request.Version,
            Offset = request.Offset,
            KeepVersion = request.KeepVersion ?? false,
            PhasedPercentage = request.PhasedPercentage,
            Tag = request.Tag,
        };
        var result = await copies.CopyAsync(copy, user.ToActor(), cancellationToken);
        return result.Succeeded ? await CreatedLatestAsync(queries, c, d, cancellationToken) : ApiResults.Problem(result);
    }

    /// <summary>201 with the device's newest full image, the one an operation just made.</summary>
    internal static async Task<Created<ImageSummary>> CreatedLatestAsync(ImageQueries queries, string c, string d, CancellationToken cancellationToken)
    {
        var latest = (await queries.ListOrNullAsync(ApiResults.Name(c), ApiResults.Name(d), cancellationToken))!.First(i => i.Type == "full");
        return TypedResults.Created($"/api/v1/channels/{ApiResults.Segment(ApiResults.Name(c))}/devices/{ApiResults.Segment(ApiResults.Name(d))}/images/{latest.Version}", latest);
    }

    private static async Task<ImageSummary> FullAsync(ImageQueries queries, string c, string d, int v, CancellationToken cancellationToken) =>
        (await queries.ListOrNullAsync(ApiResults.Name(c), ApiResults.Name(d), cancellationToken))!.First(i => i.Version == v && i.Type == "full");

    internal static ProblemHttpResult NoDevice(string c, string d) =>
        ApiResults.NotFound($"{ApiResults.Name(c)}/{ApiResults.Name(d)} does not exist.");
}

public sealed record PhasedPercentageRequest(int? Percentage);

public sealed record DescriptionRequest(string? Description, Dictionary<string, string>? Translations);

public sealed record TagRequest(string? Tag);

public sealed record CopyRequest(string? FromChannel, int? Version, int? Offset, bool? KeepVersion, int? PhasedPercentage, string? Tag);
