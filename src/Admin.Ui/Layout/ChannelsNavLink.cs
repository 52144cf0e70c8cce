using Microsoft.AspNetCore.Components.Routing;

namespace SystemImage.Admin.Ui.Layout;

/// <summary>
/// The navigation's channels link: active under <see cref="AdminRoutes.Channels"/> (a prefix match) and also on
/// <see cref="AdminRoutes.Home"/>, which shows the channels overview too.
/// </summary>
public sealed class ChannelsNavLink : NavLink
{
    protected override bool ShouldMatch(string uriAbsolute) =>
        base.ShouldMatch(uriAbsolute)
        || (Uri.TryCreate(uriAbsolute, UriKind.Absolute, out var uri) && uri.AbsolutePath.TrimEnd('/') == AdminRoutes.Home);
}
