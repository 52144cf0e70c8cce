using Microsoft.AspNetCore.Http;

namespace SystemImage.Admin.Ui.SignIn;

/// <summary>The host's sign-in for people: checks a local password and issues the sign-in cookie, and says whether single sign-on is offered.</summary>
public interface IAdminSignIn
{
    /// <summary>Signs <paramref name="name"/> in on <paramref name="http"/> when the password is right; false otherwise.</summary>
    Task<bool> SignInAsync(HttpContext http, string name, string password);

    /// <summary>
    /// The signed-in local user replaces their password (proving the current one); on success their other sessions
    /// end and this browser gets a new sign-in cookie.
    /// </summary>
    Task<SystemImage.Core.Operations.OperationResult> ChangePasswordAsync(HttpContext http, string current, string replacement);

    /// <summary>The "Sign in with …" button's text when single sign-on is enabled, else null.</summary>
    string? SingleSignOnName { get; }

    /// <summary>Where the single sign-on button leads (it takes <c>?returnUrl=</c>).</summary>
    string SingleSignOnPath { get; }
}
