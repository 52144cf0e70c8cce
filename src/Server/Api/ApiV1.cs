namespace SystemImage.Server.Api;

/// <summary>The REST API under <c>/api/v1</c> (API.md).</summary>
public static class ApiV1
{
    public static IServiceCollection AddApiV1(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // Problems the framework writes (a body that is no JSON, no token, a role too low) get a detail too (API.md).
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Detail is null && context.HttpContext.Request.Path.StartsWithSegments("/api"))
            {
                context.ProblemDetails.Detail = ApiResults.DefaultDetail(context.ProblemDetails.Status);
            }
        });
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
        api.MapUsersApi();
        return app;
    }
}
