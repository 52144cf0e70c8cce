using Microsoft.Extensions.DependencyInjection;

namespace SystemImage.Admin.Ui;

/// <summary>Registers the admin UI: Razor components with interactive server rendering and the signed-in user's session.</summary>
public static class AdminUiExtensions
{
    public static IServiceCollection AddAdminUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<UiSession>();
        return services;
    }
}
