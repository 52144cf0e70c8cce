using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and a browsable reference at <c>/admin/api</c>, for signed-in users.</summary>
public static class ApiReference
{
    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "System Image Server API",
                Version = "v1",
                Description = "Channels, devices, images, imports and tokens. Send `Authorization: Bearer <token>`; channel names with '/' are percent-encoded in paths.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (systemimage tokens create NAME --role ROLE).",
            };
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(SecurityExtensions.Viewer);
        app.MapScalarApiReference("/admin/api", options => options.WithTitle("System Image Server API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .RequireAuthorization(SecurityExtensions.Viewer);
        return app;
    }
}
