using Microsoft.Extensions.Options;
using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>When single sign-on is enabled: a usable authority, a client id, the <c>openid</c> scope and known role names.</summary>
internal sealed class SingleSignOnOptionsValidator : IValidateOptions<SingleSignOnOptions>
{
    public ValidateOptionsResult Validate(string? name, SingleSignOnOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        const string Section = SingleSignOnOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            errors.Add($"{Section}:Authority is required when single sign-on is enabled (the provider's issuer URL)");
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            errors.Add($"{Section}:Authority '{options.Authority}' is not an http(s) URL");
        }
        else if (authority.Scheme == "http" && options.RequireHttpsMetadata)
        {
            errors.Add($"{Section}:Authority '{options.Authority}' is not https; use https, or set {Section}:RequireHttpsMetadata to false for a provider on this machine");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{Section}:ClientId is required when single sign-on is enabled");
        }

        if (!options.ScopeList.Contains("openid", StringComparer.Ordinal))
        {
            errors.Add($"{Section}:Scopes '{options.Scopes}' must include openid");
        }

        foreach (var (value, role) in options.RoleMap)
        {
            if (Roles.Parse(role) is null)
            {
                errors.Add($"{Section}:RoleMap maps '{value}' to '{role}', which is not a role ({Roles.Known})");
            }
        }

        if (!string.IsNullOrEmpty(options.DefaultRole) && Roles.Parse(options.DefaultRole) is null)
        {
            errors.Add($"{Section}:DefaultRole '{options.DefaultRole}' is not a role ({Roles.Known}); leave it empty to refuse users with no mapped role");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
