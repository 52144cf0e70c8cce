using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;

namespace SystemImage.Server.StaticTree;

/// <summary>
/// Serves the publish root at <c>/</c>: GET/HEAD, ranges, Last-Modified and ETags from content (so a revalidation
/// or a resumed download never confirms stale bytes), Cache-Control for CDNs and mirrors, no listings, no dot-files.
/// </summary>
internal static class StaticTreeExtensions
{
    public static IServiceCollection AddStaticTree(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TreeCachingOptions>().Bind(configuration.GetSection(TreeCachingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TreeCaching>();
        return services;
    }

    public static WebApplication UseStaticTree(this WebApplication app)
    {
        var root = app.Services.GetRequiredService<IOptions<SystemImageOptions>>().Value.PublishRootFullPath;
        Directory.CreateDirectory(root);
        var contentTypes = new FileExtensionContentTypeProvider(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".json"] = "application/json",
            [".asc"] = "application/pgp-signature",
            [".xz"] = "application/x-xz",
        });
        var files = new CachingFileProvider(root);
        var caching = app.Services.GetRequiredService<TreeCaching>();
        app.UseMiddleware<ContentTagPreconditions>(files, contentTypes, caching);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = contentTypes,
            ServeUnknownFileTypes = false,
            OnPrepareResponse = context => ContentTagPreconditions.PrepareResponse(context, caching),
        });
        return app;
    }
}
