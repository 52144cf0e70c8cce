using SystemImage.Admin.Ui;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// A user signed in with a one-time password (the first start's <c>admin</c>, or one an admin set) reaches nothing
/// but the password change: pages redirect there, everything else is 403. API tokens are not sessions and pass.
/// </summary>
internal static class PasswordChangeGate
{
    private static readonly string[] Open = [AdminRoutes.Account, AdminRoutes.SignOut, AdminRoutes.SignIn, AdminRoutes.Denied];

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!UserClaims.MustChange(context.User) || Open.Any(open => path.Equals(open, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && (path.StartsWithSegments(AdminRoutes.Home) || path.StartsWithSegments("/openapi")))
        {
            var back = AdminRoutes.LocalOrHome(path + context.Request.QueryString);
            context.Response.Redirect($"{AdminRoutes.Account}?returnUrl={Uri.EscapeDataString(back)}");
            return;
        }

        await Results.Problem(
            detail: "Your password is a one-time password: choose your own at " + AdminRoutes.Account + " first.",
            statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
    });
}
