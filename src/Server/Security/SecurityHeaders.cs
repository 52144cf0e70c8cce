using Microsoft.Extensions.Options;
using SystemImage.Admin.Ui;
using SystemImage.Server.Jobs;

namespace SystemImage.Server.Security;

/// <summary>
/// Response headers against content sniffing, leaking addresses in referrers and framing: every response the host
/// makes (the static tree aside) says <c>nosniff</c> and <c>Referrer-Policy: same-origin</c>; admin pages may not be
/// framed and carry a content security policy that Blazor Server works under (its script from this server only,
/// its circuit over this server's WebSocket). The Hangfire dashboard and the API reference bring inline scripts of
/// their own, so they only refuse framing.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var sso = app.ApplicationServices.GetRequiredService<IOptions<SingleSignOnOptions>>().Value;
        // Signing out of single sign-on posts the form to us and is redirected on to the provider.
        var formTargets = sso.Enabled && Uri.TryCreate(sso.Authority, UriKind.Absolute, out var authority)
            ? "'self' " + authority.GetLeftPart(UriPartial.Authority)
            : "'self'";
        var pagePolicy = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action " + formTargets,
            "frame-ancestors 'none'");
        return app.Use((context, next) =>
        {
            var path = context.Request.Path;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (path.StartsWithSegments(AdminRoutes.Home))
                {
                    headers.XFrameOptions = "DENY";
                    headers.ContentSecurityPolicy = path.StartsWithSegments(JobsExtensions.DashboardPath) || path.StartsWithSegments(AdminRoutes.ApiReference.TrimEnd('/'))
                        ? "frame-ancestors 'none'"
                        : pagePolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
