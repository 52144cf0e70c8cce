using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Operations;
using SystemImage.Core.Rollouts;
using SystemImage.Core.Security;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels/{c}/rollout</c>: start, read, pause, resume and halt a channel's scheduled ramp.</summary>
public static class RolloutsApi
{
    public static RouteGroupBuilder MapRolloutsApi(this RouteGroupBuilder api)
    {
        var rollout = api.MapGroup("/channels/{c}/rollout").WithTags("Rollouts");
        rollout.MapPost("/", StartAsync).RequireAuthorization(SecurityExtensions.Publisher);
        rollout.MapGet("/", GetAsync).RequireAuthorization(SecurityExtensions.Viewer);
        rollout.MapPost("/pause", PauseAsync).RequireAuthorization(SecurityExtensions.Publisher);
        rollout.MapPost("/resume", ResumeAsync).RequireAuthorization(SecurityExtensions.Publisher);
        rollout.MapPost("/halt", HaltAsync).RequireAuthorization(SecurityExtensions.Publisher);
        return api;
    }

    /// <summary>Starts a rollout: <c>steps</c> as <c>10@now,50@+24h,100@+72h</c>, an optional UTC <c>window</c> and <c>devices</c>.</summary>
    private static async Task<Results<Created<RolloutView>, ProblemHttpResult>> StartAsync(
        string c, StartRolloutRequest request, RolloutService rollouts, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Steps))
        {
            return ApiResults.BadRequest("'steps' is required, e.g. \"10@now,50@+24h,100@+72h\".");
        }

        var (result, view) = await rollouts.StartAsync(ApiResults.Name(c), request.Steps, request.Window, request.Devices, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Created($"/api/v1/channels/{c}/rollout", view) : ApiResults.Problem(result);
    }

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> GetAsync(string c, RolloutService rollouts, CancellationToken cancellationToken) =>
        Outcome(await rollouts.GetAsync(ApiResults.Name(c), cancellationToken));

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> PauseAsync(
        string c, RolloutService rollouts, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Outcome(await rollouts.PauseAsync(ApiResults.Name(c), user.ToActor(), cancellationToken));

    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> ResumeAsync(
        string c, RolloutService rollouts, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Outcome(await rollouts.ResumeAsync(ApiResults.Name(c), user.ToActor(), cancellationToken));

    /// <summary>Halts the rollout with its <c>reason</c>: every covered device's build at 0%.</summary>
    private static async Task<Results<Ok<RolloutView>, ProblemHttpResult>> HaltAsync(
        string c, HaltRolloutRequest request, RolloutService rollouts, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Outcome(await rollouts.HaltAsync(ApiResults.Name(c), request.Reason, user.ToActor(), cancellationToken));

    private static Results<Ok<RolloutView>, ProblemHttpResult> Outcome((OperationResult Result, RolloutView? Rollout) outcome) =>
        outcome.Result.Succeeded ? TypedResults.Ok(outcome.Rollout!) : ApiResults.Problem(outcome.Result);
}

/// <summary>A rollout to start: its steps, an optional window (<c>Mon-Fri 08-17</c>, UTC) and devices (default: every device).</summary>
public sealed record StartRolloutRequest(string? Steps, string? Window, IReadOnlyList<string>? Devices);

public sealed record HaltRolloutRequest(string? Reason);
