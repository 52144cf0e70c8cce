using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SystemImage.Admin.Ui;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and a browsable reference at <c>/admin/api</c>, for signed-in users.
/// The reference loads nothing from outside this server (no CDN fonts, no telemetry, no AI agent or MCP), offers no
/// vendor's client button, names its sections by resource and links back to the admin UI.
/// </summary>
public static class ApiReference
{
    /// <summary>The reference's sections (OpenAPI tags), in order, with what each covers.</summary>
    public static IReadOnlyList<(string Name, string Description)> Sections { get; } =
    [
        ("Channels", "Channels, aliases and redirects; phasing a whole channel."),
        ("Devices", "A channel's devices and their keyrings."),
        ("Images", "A device's full and delta images: upload (parts as .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2), phase, describe, tag, copy, remove."),
        ("Rollouts", "Scheduled ramps of a channel's latest build: start, pause, resume, halt."),
        ("Imports", "Importer configuration and import runs."),
        ("Jobs", "Running and recent jobs (imports, re-signs, key rotations)."),
        ("Adoption", "Downloads and check-ins per channel, device and version; releases across channels."),
        ("Keys", "Signing keys, their rotation and the blacklist."),
        ("Tree", "Checking, cleaning up and re-signing the published tree."),
        ("Audit", "Every change: who, from where, before and after; searched and paged by the server."),
        ("Tokens", "API tokens."),
        ("Users", "Admin UI accounts."),
        ("Health", "Liveness, database and publish directory."),
    ];

    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "System Image Server API",
                Version = "v1",
                Description = $"Channels, devices, images, imports and tokens. Send `Authorization: Bearer <token>`; channel names with '/' are percent-encoded in paths. [Back to the admin UI]({AdminRoutes.Home})",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token (systemimage tokens create NAME --role ROLE).",
            };
            ListSections(document);
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(SecurityExtensions.Viewer);
        app.MapScalarApiReference("/admin/api", options => options
                .WithTitle("System Image Server API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideClientButton()
                .HideDeveloperTools()
                .WithFavicon("data:,")
                .AddHeaderContent($"""<nav class="si-back" aria-label="System Image Server"><a href="{AdminRoutes.Home}">← Back to the admin UI</a></nav>""")
                .WithCustomCss(".si-back { padding: .5rem 1rem; font: 15px/1.5 system-ui, sans-serif; border-bottom: 1px solid var(--scalar-border-color, #ddd); }"
                    + " a[href*='scalar.com'] { display: none !important; }"))
            .RequireAuthorization(SecurityExtensions.Viewer);
        return app;
    }

    /// <summary>The document lists the sections (every endpoint names its resource with <c>WithTags</c>) in order, each with what it covers.</summary>
    private static void ListSections(OpenApiDocument document) =>
        document.Tags = new HashSet<OpenApiTag>(Sections.Select(s => new OpenApiTag { Name = s.Name, Description = s.Description }));
}
