using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>
/// Local user accounts (admins): list, add, change role, disable or enable, set a one-time password, remove. A
/// password set here must be changed by its user at their next sign-in; every change but enabling ends the user's sessions.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(SecurityExtensions.Admin);
        users.MapGet("/", ListAsync);
        users.MapPost("/", AddAsync);
        users.MapGet("/{user}", GetAsync);
        users.MapPatch("/{user}", ChangeAsync);
        users.MapPut("/{user}/password", SetPasswordAsync);
        users.MapDelete("/{user}", RemoveAsync);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<UserInfo>>> ListAsync(UserService users, CancellationToken cancellationToken) =>
        TypedResults.Ok(await users.ListAsync(cancellationToken));

    private static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> GetAsync(string user, UserService users, CancellationToken cancellationToken) =>
        await users.GetOrNullAsync(ApiResults.Name(user), cancellationToken) is { } found ? TypedResults.Ok(found) : ApiResults.NotFound($"There is no user '{ApiResults.Name(user)}'.");

    /// <summary>Adds a user with the given password, or a generated one returned in the response; either is a one-time password.</summary>
    private static async Task<Results<Created<UserPasswordDto>, ProblemHttpResult>> AddAsync(
        AddUserRequest request, UserService users, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiResults.BadRequest("'name' is required.");
        }

        if (Roles.Parse(request.Role) is not { } role)
        {
            return ApiResults.BadRequest($"'role' must be {Roles.Known}.");
        }

        var password = request.Password ?? Passwords.Generate();
        var result = await users.AddAsync(request.Name, role, password, user.ToActor(), cancellationToken, mustChangePassword: true);
        if (!result.Succeeded)
        {
            return ApiResults.Problem(result);
        }

        var added = (await users.GetOrNullAsync(request.Name, cancellationToken))!;
        return TypedResults.Created($"/api/v1/users/{ApiResults.Segment(added.Name)}", new UserPasswordDto(added, request.Password is null ? password : null, result.Message));
    }

    /// <summary>Changes the role and/or disables or enables the user.</summary>
    private static async Task<Results<Ok<UserInfo>, ProblemHttpResult>> ChangeAsync(
        string user, ChangeUserRequest request, UserService users, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var name = ApiResults.Name(user);
        if (request.Role is null && request.Disabled is null)
        {
            return ApiResults.BadRequest("Give 'role' (viewer, publisher or admin) and/or 'disabled' (true or false).");
        }

        if (request.Role is not null && Roles.Parse(request.Role) is null)
        {
            return ApiResults.BadRequest($"'role' must be {Roles.Known}.");
        }

        if (Roles.Parse(request.Role) is { } role && await users.SetRoleAsync(name, role, caller.ToActor(), cancellationToken) is { Succeeded: false } refused)
        {
            return ApiResults.Problem(refused);
        }

        if (request.Disabled is { } disabled && await users.SetDisabledAsync(name, disabled, caller.ToActor(), cancellationToken) is { Succeeded: false } failed)
        {
            return ApiResults.Problem(failed);
        }

        return TypedResults.Ok((await users.GetOrNullAsync(name, cancellationToken))!);
    }

    /// <summary>Sets a one-time password: the given one, or a generated one returned in the response.</summary>
    private static async Task<Results<Ok<UserPasswordDto>, ProblemHttpResult>> SetPasswordAsync(
        string user, SetPasswordRequest? request, UserService users, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var name = ApiResults.Name(user);
        var password = request?.Password ?? Passwords.Generate();
        var result = await users.SetPasswordAsync(name, password, caller.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(new UserPasswordDto((await users.GetOrNullAsync(name, cancellationToken))!, request?.Password is null ? password : null, result.Message))
            : ApiResults.Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string user, UserService users, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var result = await users.RemoveAsync(ApiResults.Name(user), caller.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }
}

/// <summary>A user to add; without a password the server generates one (returned once).</summary>
public sealed record AddUserRequest(string? Name, string? Role, string? Password);

/// <summary>What to change of a user: the role, and/or whether the account is disabled.</summary>
public sealed record ChangeUserRequest(string? Role, bool? Disabled);

/// <summary>A one-time password to set; without one the server generates one (returned once).</summary>
public sealed record SetPasswordRequest(string? Password);

/// <summary>A user whose password was just set, with the generated password (null when the caller chose it) and what happened.</summary>
public sealed record UserPasswordDto(UserInfo User, string? Password, string Message);
