using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace SystemImage.Server.Api;

/// <summary>The REST API under <c>/api/v1</c> (API.md).</summary>
public static class ApiV1
{
    public static IServiceCollection AddApiV1(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // Every form the server reads (the sign-in page, sign-out, anti-forgery checks) is held to the upload's limits.
        services.AddOptions<FormOptions>().Configure<IOptions<ApiOptions>>((form, api) =>
        {
            form.ValueCountLimit = api.Value.MaxFormFields;
            form.ValueLengthLimit = api.Value.MaxFormFieldBytes;
            form.KeyLengthLimit = api.Value.MaxFormKeyBytes;
            form.MultipartHeadersLengthLimit = api.Value.MaxFormHeaderBytes;
        });
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
        api.MapPhasingApi();
        api.MapRolloutsApi();
        api.MapDevicesApi();
        api.MapImagesApi();
        api.MapImportsApi();
        api.MapAdminApi();
        api.MapUsersApi();
        api.MapAdoptionApi();
        return app;
    }
}
