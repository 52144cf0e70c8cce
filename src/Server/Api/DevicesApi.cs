using SystemImage.Core.Security;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Channels;
using SystemImage.Core.Signing;
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
    /// Publishes the device's <c>device.tar.xz</c>. With an empty body it holds the server's own device-signing key;
    /// with a body it holds the uploaded public keys: a <c>device-signing.tar.xz</c> keyring tarball, or OpenPGP
    /// public keys, binary or ASCII-armored (<c>gpg --export</c>), at most 1 MiB.
    /// </summary>
    private static async Task<Results<Ok<DeviceSummary>, ProblemHttpResult>> PublishKeyringAsync(
        string c, string d, HttpRequest request, DeviceService devices, ChannelQueries queries, TimeProvider time, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var (channel, device) = (ApiResults.Name(c), ApiResults.Name(d));
        UploadedKeyring? uploaded = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            if (request.ContentLength > UploadedKeyring.MaxBytes)
            {
                return TypedResults.Problem(detail: $"A keyring upload may hold at most {UploadedKeyring.MaxBytes / 1024} KiB.", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var body = await ReadLimitedAsync(request.Body, UploadedKeyring.MaxBytes + 1, cancellationToken);
            var (keyring, refusal) = UploadedKeyring.Parse(body, device, time.GetUtcNow());
            if (keyring is null)
            {
                return body.Length > UploadedKeyring.MaxBytes
                    ? TypedResults.Problem(detail: refusal, statusCode: StatusCodes.Status413PayloadTooLarge)
                    : ApiResults.BadRequest(refusal!);
            }

            uploaded = keyring;
        }

        var result = await devices.PublishKeyringAsync(channel, device, uploaded, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok((await queries.FindOrNullAsync(channel, cancellationToken))!.Devices.First(x => x.Name == device))
            : ApiResults.Problem(result);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
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
