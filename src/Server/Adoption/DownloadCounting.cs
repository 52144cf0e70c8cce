using Microsoft.Net.Http.Headers;
using SystemImage.Core.Adoption;

namespace SystemImage.Server.Adoption;

/// <summary>
/// Counts completed downloads of the tree's index.json, version and pool tarballs, in memory: a GET answered 200 whose
/// body was sent whole, or a 206 whose range ends at the file's last byte (the piece that completes a resumed
/// download; a range that does not reach the end never counts). A client that went away is not counted.
/// </summary>
internal sealed class DownloadCounting(RequestDelegate next, DownloadCounter counter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path.Value is not { } path || !DownloadCounter.IsCounted(path))
        {
            await next(context);
            return;
        }

        await next(context);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var status = context.Response.StatusCode;
        if (status == StatusCodes.Status200OK || (status == StatusCodes.Status206PartialContent && ReachesEnd(context.Response.Headers.ContentRange)))
        {
            counter.Count(path);
        }
    }

    private static bool ReachesEnd(string? contentRange) =>
        ContentRangeHeaderValue.TryParse(contentRange, out var range) && range is { To: { } to, Length: { } length } && to == length - 1;
}
