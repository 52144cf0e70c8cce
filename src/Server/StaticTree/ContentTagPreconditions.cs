using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace SystemImage.Server.StaticTree;

/// <summary>
/// Evaluates a tree request's entity-tag preconditions (If-Match, If-None-Match, If-Range) against the file's content
/// tag, before the static file middleware (which would compare its own tag, made of the modification time to the
/// second and the length, and so confirm a stale index.json): a match of If-None-Match is answered 304 here; a
/// satisfied If-Match or If-Range is removed so the middleware serves the file or the range; an If-None-Match that does
/// not match is removed with If-Modified-Since (RFC 9110 §13.1.3), and an If-Range that does not match is removed with
/// the Range, so the whole current file is sent. The file is pinned for the request, so what was checked is what is
/// served. See: RFC 9110 §13.1 and §13.2.2.
/// </summary>
internal sealed class ContentTagPreconditions(RequestDelegate next, CachingFileProvider files, IContentTypeProvider contentTypes, TreeCaching caching)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || (headers.IfNoneMatch.Count == 0 && headers.IfMatch.Count == 0 && headers.IfRange.Count == 0)
            || request.Path.Value is not { } path
            || !contentTypes.TryGetContentType(path, out _)
            || files.GetFileInfo(path) is not TreeFile file)
        {
            await next(context);
            return;
        }

        try
        {
            _ = file.ETag;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed or unreadable since it was looked up: the static file middleware answers as for any such file.
            await next(context);
            return;
        }

        using var pinned = files.Pin(file);
        var typed = request.GetTypedHeaders();
        if (typed.IfMatch.Count > 0)
        {
            if (!typed.IfMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(file.ETag, useStrongComparison: true)))
            {
                // Left for the middleware, whose own tag never equals a content tag: 412.
                await next(context);
                return;
            }

            headers.Remove(HeaderNames.IfMatch);
        }

        if (typed.IfNoneMatch.Count > 0)
        {
            if (typed.IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(file.ETag, useStrongComparison: false)))
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                context.Response.Headers.ETag = file.ETagHeader;
                context.Response.Headers.AcceptRanges = "bytes";
                context.Response.Headers.CacheControl = caching.For(file.Subpath);
                return;
            }

            headers.Remove(HeaderNames.IfNoneMatch);
            headers.Remove(HeaderNames.IfModifiedSince);
        }

        if (typed.IfRange is { EntityTag: { } rangeTag })
        {
            headers.Remove(HeaderNames.IfRange);
            if (!rangeTag.Compare(file.ETag, useStrongComparison: true))
            {
                headers.Remove(HeaderNames.Range);
            }
        }

        await next(context);
    }

    /// <summary>
    /// The static file middleware's response hook (200, 206 and its own 304): the content tag replaces its tag, the
    /// file's Cache-Control is set, and Last-Modified is left out while it could still name two versions (the file changed
    /// within the current second), so that a date a client revalidates or resumes with (If-Modified-Since, If-Range)
    /// always names one version.
    /// </summary>
    public static void PrepareResponse(StaticFileResponseContext context, TreeCaching caching)
    {
        if (context.File is not TreeFile file)
        {
            return;
        }

        var headers = context.Context.Response.Headers;
        headers.ETag = file.ETagHeader;
        headers.CacheControl = caching.For(file.Subpath);
        var secondOfChange = file.LastModified.UtcTicks - (file.LastModified.UtcTicks % TimeSpan.TicksPerSecond);
        if (DateTimeOffset.UtcNow.UtcTicks < secondOfChange + TimeSpan.TicksPerSecond)
        {
            headers.Remove(HeaderNames.LastModified);
        }
    }
}
