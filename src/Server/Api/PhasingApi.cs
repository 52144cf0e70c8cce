using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Images;
using SystemImage.Core.Security;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels/{c}/phased-percentage</c> and <c>…/revert</c>: phase or revert every device of a channel at once.</summary>
public static class PhasingApi
{
    public static RouteGroupBuilder MapPhasingApi(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels").WithTags("Channels");
        channels.MapPut("/{c}/phased-percentage", PhaseChannelAsync).RequireAuthorization(SecurityExtensions.Publisher);
        channels.MapPost("/{c}/revert", RevertChannelAsync).RequireAuthorization(SecurityExtensions.Publisher);
        return api;
    }

    /// <summary>Sets the percentage on every device (or the <c>devices</c> named); <c>?dryRun=true</c> only previews it.</summary>
    private static async Task<Results<Ok<ChannelPhaseDto>, ProblemHttpResult>> PhaseChannelAsync(
        string c, ChannelPhaseRequest request, bool? dryRun, ChannelPhasing phasing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.Percentage is not { } percentage)
        {
            return ApiResults.BadRequest("'percentage' is required (0–100).");
        }

        var (result, devices) = dryRun == true
            ? await phasing.PreviewAsync(ApiResults.Name(c), percentage, request.Devices, cancellationToken)
            : await phasing.SetAsync(ApiResults.Name(c), percentage, request.Devices, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(new ChannelPhaseDto(result.Message, devices)) : ApiResults.Problem(result);
    }

    /// <summary>Reverts every device to its previous good build in one change; <c>?dryRun=true</c> only previews it.</summary>
    private static async Task<Results<Ok<ChannelRevertDto>, ProblemHttpResult>> RevertChannelAsync(
        string c, bool? dryRun, ChannelRevert revert, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (result, devices) = dryRun == true
            ? await revert.PreviewAsync(ApiResults.Name(c), cancellationToken)
            : await revert.RevertAsync(ApiResults.Name(c), user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(new ChannelRevertDto(result.Message, devices)) : ApiResults.Problem(result);
    }
}

/// <summary>A channel revert's outcome: one line, and per device its bad, good and new version.</summary>
public sealed record ChannelRevertDto(string Message, IReadOnlyList<DeviceRevert> Devices);

/// <summary>A channel-wide phased percentage, for every device or only those in <see cref="Devices"/>.</summary>
public sealed record ChannelPhaseRequest(int? Percentage, IReadOnlyList<string>? Devices);

/// <summary>A channel phasing's outcome: one line, and per device its version and percentage before and after.</summary>
public sealed record ChannelPhaseDto(string Message, IReadOnlyList<DevicePhase> Devices);
