using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Adoption;
using SystemImage.Core.Releases;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels/{c}/downloads</c>: downloads and check-ins per day and version; <c>/api/v1/releases</c>.</summary>
public static class AdoptionApi
{
    public static RouteGroupBuilder MapAdoptionApi(this RouteGroupBuilder api)
    {
        api.MapGet("/channels/{c}/downloads", DownloadsAsync).WithTags("Adoption").RequireAuthorization(SecurityExtensions.Viewer);
        api.MapGet("/releases", ReleasesAsync).WithTags("Adoption").RequireAuthorization(SecurityExtensions.Viewer);
        return api;
    }

    /// <summary>Per day (UTC) and version: full and delta downloads and check-ins, in all and per device (<c>?from=&amp;to=&amp;device=</c>, days as yyyy-MM-dd).</summary>
    private static async Task<Results<Ok<ChannelDownloads>, ProblemHttpResult>> DownloadsAsync(
        string c, string? from, string? to, string? device, DownloadQueries queries, CancellationToken cancellationToken)
    {
        if (!DownloadQueries.TryParseDay(from, out var first) || !DownloadQueries.TryParseDay(to, out var last))
        {
            return ApiResults.BadRequest("'from' and 'to' are days written yyyy-MM-dd.");
        }

        if (!DownloadQueries.IsSpan(first, last))
        {
            return ApiResults.BadRequest($"'from' must be on or before 'to', at most {DownloadQueries.MaxDays} days apart.");
        }

        var name = ApiResults.Name(c);
        return await queries.ForChannelOrNullAsync(name, first, last, string.IsNullOrEmpty(device) ? null : device, cancellationToken) is { } downloads
            ? TypedResults.Ok(downloads)
            : ApiResults.NotFound($"Channel '{name}' does not exist.");
    }

    /// <summary>Per device, each build that is a channel's latest full image, with where it is (version, age, description, phase, downloads).</summary>
    private static async Task<Ok<ReleaseOverview>> ReleasesAsync(ReleaseQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.OverviewAsync(cancellationToken));
}
