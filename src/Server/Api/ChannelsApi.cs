using SystemImage.Core.Security;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Importing;
using SystemImage.Core.Operations;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels</c>: list, create, read, change, rename and remove channels.</summary>
public static class ChannelsApi
{
    public static RouteGroupBuilder MapChannelsApi(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels").WithTags("Channels");
        channels.MapGet("/", ListAsync).RequireAuthorization(SecurityExtensions.Viewer);
        channels.MapPost("/", CreateAsync).RequireAuthorization(SecurityExtensions.Admin);
        channels.MapGet("/{c}", GetAsync).RequireAuthorization(SecurityExtensions.Viewer);
        channels.MapPatch("/{c}", UpdateAsync).RequireAuthorization(SecurityExtensions.Admin);
        channels.MapPost("/{c}/rename", RenameAsync).RequireAuthorization(SecurityExtensions.Admin);
        channels.MapDelete("/{c}", RemoveAsync).RequireAuthorization(SecurityExtensions.Admin);
        channels.MapPost("/{c}/promote", PromoteAsync).RequireAuthorization(SecurityExtensions.Publisher);
        channels.MapGet("/{c}/promote", PreviewPromoteAsync).RequireAuthorization(SecurityExtensions.Viewer);
        return api;
    }

    private static async Task<Results<Ok<PromotionDto>, ProblemHttpResult>> PromoteAsync(
        string c, PromoteRequest request, ChannelPromotion promotion, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.FromChannel))
        {
            return ApiResults.BadRequest("'fromChannel' is required.");
        }

        var (result, devices) = await promotion.PromoteAsync(request.FromChannel, ApiResults.Name(c), request.PhasedPercentage, request.Tag, user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(new PromotionDto(result.Message, devices)) : ApiResults.Problem(result);
    }

    /// <summary>What <c>POST …/promote</c> would do, per device (<c>?fromChannel=</c>).</summary>
    private static async Task<Results<Ok<PromotionDto>, ProblemHttpResult>> PreviewPromoteAsync(
        string c, string? fromChannel, ChannelPromotion promotion, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(fromChannel))
        {
            return ApiResults.BadRequest("'fromChannel' is required.");
        }

        var (result, devices) = await promotion.PreviewAsync(fromChannel, ApiResults.Name(c), cancellationToken);
        return result.Succeeded ? TypedResults.Ok(new PromotionDto(result.Message, devices)) : ApiResults.Problem(result);
    }

    private static async Task<Ok<List<ChannelDto>>> ListAsync(ChannelQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok((await queries.ListAsync(cancellationToken)).Select(ChannelDto.Of).ToList());

    private static async Task<Results<Created<ChannelDetailDto>, ProblemHttpResult>> CreateAsync(
        CreateChannelRequest request, ChannelCreation creation, ChannelQueries queries, ImporterConfigService configs,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiResults.BadRequest("'name' is required.");
        }

        var newChannel = new NewChannel(request.Name)
        {
            Hidden = request.Hidden,
            Alias = request.Alias,
            Redirect = request.Redirect,
            CopyDevicesFrom = request.CopyDevicesFrom,
        };
        var result = await creation.CreateAsync(newChannel, user.ToActor(), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiResults.Problem(result);
        }

        var created = (await ChannelDetailDto.LoadAsync(request.Name, queries, configs, cancellationToken))!;
        return TypedResults.Created($"/api/v1/channels/{ApiResults.Segment(request.Name)}", created);
    }

    private static async Task<Results<Ok<ChannelDetailDto>, ProblemHttpResult>> GetAsync(
        string c, ChannelQueries queries, ImporterConfigService configs, CancellationToken cancellationToken) =>
        await ChannelDetailDto.LoadAsync(ApiResults.Name(c), queries, configs, cancellationToken) is { } channel
            ? TypedResults.Ok(channel)
            : ApiResults.NotFound($"Channel '{ApiResults.Name(c)}' does not exist.");

    private static async Task<Results<Ok<ChannelDetailDto>, ProblemHttpResult>> UpdateAsync(
        string c, UpdateChannelRequest request, ChannelService channels, ImporterConfigService configs, ChannelQueries queries,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var name = ApiResults.Name(c);
        var actor = user.ToActor();
        if (await queries.FindOrNullAsync(name, cancellationToken) is null)
        {
            return ApiResults.NotFound($"Channel '{name}' does not exist.");
        }

        var steps = new List<Func<Task<OperationResult>>>();
        if (request.Hidden is { } hidden)
        {
            steps.Add(() => channels.SetHiddenAsync(name, hidden, actor, cancellationToken));
        }

        if (request.Alias is { } target)
        {
            steps.Add(() => channels.RetargetAliasAsync(name, target, actor, cancellationToken));
        }

        if (request.Paused is { } paused)
        {
            steps.Add(() => configs.SetPausedAsync(name, paused, actor, cancellationToken));
        }

        foreach (var step in steps)
        {
            if (await step() is { Succeeded: false } failure)
            {
                return ApiResults.Problem(failure);
            }
        }

        return TypedResults.Ok((await ChannelDetailDto.LoadAsync(name, queries, configs, cancellationToken))!);
    }

    private static async Task<Results<Ok<ChannelDetailDto>, ProblemHttpResult>> RenameAsync(
        string c, RenameChannelRequest request, ChannelService channels, ChannelQueries queries, ImporterConfigService configs,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.NewName))
        {
            return ApiResults.BadRequest("'newName' is required.");
        }

        var result = await channels.RenameAsync(ApiResults.Name(c), request.NewName, user.ToActor(), cancellationToken, request.KeepRedirect ?? true);
        return result.Succeeded
            ? TypedResults.Ok((await ChannelDetailDto.LoadAsync(request.NewName, queries, configs, cancellationToken))!)
            : ApiResults.Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string c, ChannelService channels, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await channels.RemoveAsync(ApiResults.Name(c), user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }
}

public sealed record CreateChannelRequest(string? Name, bool? Hidden, string? Alias, string? Redirect, string? CopyDevicesFrom);

public sealed record UpdateChannelRequest(bool? Hidden, string? Alias, bool? Paused);

/// <summary>A rename; <see cref="KeepRedirect"/> (default true) leaves the old name as a hidden redirect to the new one.</summary>
public sealed record RenameChannelRequest(string? NewName, bool? KeepRedirect = null);

public sealed record PromoteRequest(string? FromChannel, int? PhasedPercentage, string? Tag);

/// <summary>A promotion's outcome: one line, and one result per device.</summary>
public sealed record PromotionDto(string Message, IReadOnlyList<DevicePromotion> Devices);

/// <summary>A channel in listings.</summary>
public sealed record ChannelDto(string Name, bool Hidden, string? Alias, string? Redirect, string Type, bool Paused, IReadOnlyList<string> Devices)
{
    public static ChannelDto Of(ChannelSummary channel) => new(
        channel.Name, channel.Hidden, channel.Alias, channel.Redirect, channel.Type.ToString().ToLowerInvariant(), channel.ImportPaused,
        [.. channel.Devices.Select(d => d.Name)]);
}

/// <summary>One channel with its devices and importer configuration.</summary>
public sealed record ChannelDetailDto(
    string Name, bool Hidden, string? Alias, string? Redirect, string Type, bool Paused, IReadOnlyList<DeviceSummary> Devices, ImporterConfigDto Config)
{
    public static async Task<ChannelDetailDto?> LoadAsync(string name, ChannelQueries queries, ImporterConfigService configs, CancellationToken cancellationToken)
    {
        if (await queries.FindOrNullAsync(name, cancellationToken) is not { } channel || await configs.GetAsync(name, cancellationToken) is not { } config)
        {
            return null;
        }

        return new ChannelDetailDto(
            channel.Name, channel.Hidden, channel.Alias, channel.Redirect, channel.Type.ToString().ToLowerInvariant(), channel.ImportPaused,
            channel.Devices, ImporterConfigDto.Of(config));
    }
}
