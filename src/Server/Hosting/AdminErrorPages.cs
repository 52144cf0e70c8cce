using SystemImage.Admin.Ui;

namespace SystemImage.Server.Hosting;

/// <summary>
/// Empty error answers to page requests under <c>/admin</c> (an unknown address above all) show the admin UI's own
/// page, with the original status; the API keeps its problem details, the Hangfire dashboard and the API reference their own.
/// </summary>
internal static class AdminErrorPages
{
    public static IApplicationBuilder UseAdminErrorPages(this IApplicationBuilder app) =>
        app.UseWhen(IsAdminPageRequest, admin => admin.UseStatusCodePagesWithReExecute(AdminRoutes.NotFound, createScopeForStatusCodePages: true));

    private static bool IsAdminPageRequest(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.Request.Path.StartsWithSegments(AdminRoutes.Home, StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments(AdminRoutes.Dashboard, StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments(AdminRoutes.ApiReference.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
