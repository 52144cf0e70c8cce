using SystemImage.Core.Operations;

namespace SystemImage.Core.Channels;

/// <summary>
/// Creates a channel of any kind in one call, as the API's <c>POST /channels</c> and the admin UI offer it. The
/// request is checked before anything is created, so a refused request leaves no channel behind.
/// </summary>
public sealed class ChannelCreation(ChannelService channels, ChannelQueries queries)
{
    public async Task<OperationResult> CreateAsync(NewChannel request, Actor actor, CancellationToken cancellationToken)
    {
        if (await CheckAsync(request, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var result = request switch
        {
            { Alias: { } target } => await channels.CreateAliasAsync(request.Name, target, actor, cancellationToken),
            { Redirect: { } target } => await channels.CreateRedirectAsync(request.Name, target, actor, cancellationToken),
            { CopyDevicesFrom: { } from } => await channels.CreateWithDevicesAsync(request.Name, request.Hidden ?? false, from, actor, cancellationToken),
            _ => await channels.CreateAsync(request.Name, request.Hidden ?? false, actor, cancellationToken),
        };
        if (result.Succeeded && request.Hidden == true && request.Alias is not null)
        {
            var hidden = await channels.SetHiddenAsync(request.Name, true, actor, cancellationToken);
            result = hidden.Succeeded ? OperationResult.Ok($"{result.Message} It is hidden.") : hidden;
        }

        return result;
    }

    private async Task<OperationResult?> CheckAsync(NewChannel request, CancellationToken cancellationToken)
    {
        if (request.Alias is not null && request.Redirect is not null)
        {
            return OperationResult.Invalid("'alias' and 'redirect' cannot both be given: a channel is an alias or a redirect, not both.");
        }

        if (request.CopyDevicesFrom is not null && (request.Alias ?? request.Redirect) is not null)
        {
            return OperationResult.Invalid("'copyDevicesFrom' cannot be given with 'alias' or 'redirect': an alias mirrors its target's devices and a redirect has none.");
        }

        if (request.Redirect is not null && request.Hidden == false)
        {
            return OperationResult.Invalid("A redirect is always hidden: leave out 'hidden' or set it to true.");
        }

        return request.CopyDevicesFrom is { } source && await queries.FindOrNullAsync(source, cancellationToken) is null
            ? OperationResult.NotFound($"Channel '{source}' does not exist.")
            : null;
    }
}
