using Microsoft.Extensions.Options;
using SystemImage.Core.Adoption;

namespace SystemImage.Server.Adoption;

/// <summary>Counting the downloads the server serves, behind <see cref="AdoptionOptions.Enabled"/>.</summary>
internal static class AdoptionExtensions
{
    public static IServiceCollection AddAdoption(this IServiceCollection services)
    {
        services.AddHostedService<DownloadFlushService>();
        return services;
    }

    /// <summary>Call it just before the static tree: nothing else runs between a tree request and its file.</summary>
    public static WebApplication UseDownloadCounting(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AdoptionOptions>>().Value.Enabled)
        {
            app.UseMiddleware<DownloadCounting>();
        }

        return app;
    }
}
