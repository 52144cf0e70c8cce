namespace SystemImage.Server.Api;

/// <summary>The REST API under <c>/api/v1</c> (API.md).</summary>
public static class ApiV1
{
    public static IServiceCollection AddApiV1(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapChannelsApi();
        api.MapDevicesApi();
        api.MapImagesApi();
        api.MapImportsApi();
        api.MapAdminApi();
        return app;
    }
}
