using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Channels;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary><c>/api/v1/channels/{c}/devices</c>: list, add (optionally as a per-device redirect) and remove devices.</summary>
public static class DevicesApi
{
    public static RouteGroupBuilder MapDevicesApi(this RouteGroupBuilder api)
    {
        var devices = api.MapGroup("/channels/{c}/devices").WithTags("Devices");
        devices.MapGet("/", ListAsync).RequireAuthorization(SecurityExtensions.Viewer);
        devices.MapPost("/", CreateAsync).RequireAuthorization(SecurityExtensions.Admin);
        devices.MapDelete("/{d}", RemoveAsync).RequireAuthorization(SecurityExtensions.Admin);
        devices.MapPut("/{d}/keyring", PublishKeyringAsync).RequireAuthorization(SecurityExtensions.Admin);
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<DeviceSummary>>, ProblemHttpResult>> ListAsync(
        string c, ChannelQueries queries, CancellationToken cancellationToken) =>
        await queries.FindOrNullAsync(ApiResults.Name(c), cancellationToken) is { } channel
            ? TypedResults.Ok(channel.Devices)
            : ApiResults.NotFound($"Channel '{ApiResults.Name(c)}' does not exist.");

    private static async Task<Results<Created<DeviceSummary>, ProblemHttpResult>> CreateAsync(
        string c, CreateDeviceRequest request, DeviceService devices, ChannelQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiResults.BadRequest("'name' is required.");
        }

        var channel = ApiResults.Name(c);
        var result = request.Redirect is { } target
            ? await devices.CreateRedirectAsync(channel, request.Name, target, user.ToActor(), cancellationToken)
            : await devices.CreateAsync(channel, request.Name, request.Keyring ?? false, user.ToActor(), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiResults.Problem(result);
        }

        var created = (await queries.FindOrNullAsync(channel, cancellationToken))!.Devices.First(d => d.Name == request.Name);
        return TypedResults.Created($"/api/v1/channels/{ApiResults.Segment(channel)}/devices/{ApiResults.Segment(request.Name)}", created);
    }

    /// <summary>
    /// With an empty body, publishes (or publishes again) the device's keyring made from the server's device-signing
    /// key. Uploading a keyring made elsewhere is refused: devices of this server trust its own device-signing key.
    /// </summary>
    private static async Task<Results<Ok<DeviceSummary>, ProblemHttpResult>> PublishKeyringAsync(
        string c, string d, HttpRequest request, DeviceService devices, ChannelQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            return TypedResults.Problem(
                detail: "Send an empty body: the server publishes a keyring made from its own device-signing key (see POST /keyrings/device-signing/rotate to renew it); uploading a keyring made elsewhere is not supported.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var (channel, device) = (ApiResults.Name(c), ApiResults.Name(d));
        var result = await devices.PublishKeyringAsync(channel, device, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok((await queries.FindOrNullAsync(channel, cancellationToken))!.Devices.First(x => x.Name == device))
            : ApiResults.Problem(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string c, string d, DeviceService devices, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var result = await devices.RemoveAsync(ApiResults.Name(c), ApiResults.Name(d), user.ToActor(), cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result);
    }
}

/// <param name="Name">The device name.</param>
/// <param name="Redirect">Makes a per-device redirect to this channel instead of a device with images.</param>
/// <param name="Keyring">Publish a device-signing keyring for it.</param>
public sealed record CreateDeviceRequest(string? Name, string? Redirect, bool? Keyring);
