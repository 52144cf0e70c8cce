using Microsoft.AspNetCore.Authentication;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>Authentication (API bearer tokens) and the role policies: viewer &lt; publisher &lt; admin.</summary>
public static class SecurityExtensions
{
    public const string Viewer = "viewer";
    public const string Publisher = "publisher";
    public const string Admin = "admin";

    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddSingleton<IPasswordHashing, IdentityPasswordHashing>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Viewer, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => ApiClaims.RoleOf(c.User) >= Role.Viewer))
            .AddPolicy(Publisher, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => ApiClaims.RoleOf(c.User) >= Role.Publisher))
            .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => ApiClaims.RoleOf(c.User) >= Role.Admin));
        services.AddHostedService<InitialAdmin>();
        return services;
    }
}
