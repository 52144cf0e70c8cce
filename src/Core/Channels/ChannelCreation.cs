using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Publishing;

namespace SystemImage.Core.Channels;

/// <summary>
/// Creates a channel of any kind in one call, as the API's <c>POST /channels</c> and the admin UI offer it. The
/// request is checked before anything is created, so a refused request leaves no channel behind.
/// </summary>
public sealed class ChannelCreation(ChannelService channels, TreeMutator mutator, AuditLog audit, TimeProvider time)
{
    public async Task<OperationResult> CreateAsync(NewChannel request, Actor actor, CancellationToken cancellationToken)
    {
        if (Check(request) is { } refusal)
        {
            return refusal;
        }

        return request switch
        {
            { Alias: { } target } => await channels.CreateAliasAsync(request.Name, target, actor, cancellationToken, request.Hidden ?? false),
            { Redirect: { } target } => await channels.CreateRedirectAsync(request.Name, target, actor, cancellationToken),
            { CopyDevicesFrom: { } from } => await CreateWithDevicesAsync(request.Name, request.Hidden ?? false, from, actor, cancellationToken),
            _ => await channels.CreateAsync(request.Name, request.Hidden ?? false, actor, cancellationToken),
        };
    }

    /// <summary>
    /// Creates channel <paramref name="name"/> with a copy of every device of <paramref name="copyDevicesFrom"/> (their
    /// keyrings, not their images), all in one change: a refusal leaves no channel behind.
    /// </summary>
    private Task<OperationResult> CreateWithDevicesAsync(string name, bool hidden, string copyDevicesFrom, Actor actor, CancellationToken cancellationToken) =>
        mutator.MutateAsync(async db =>
        {
            if (await ChannelService.CheckNewNameAsync(db, name, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            var source = await ChannelService.LoadAsync(db, copyDevicesFrom, cancellationToken);
            if (source is null)
            {
                return OperationResult.NotFound($"Channel '{copyDevicesFrom}' does not exist.");
            }

            var channel = new Channel { Name = name, Hidden = hidden, CreatedAt = time.GetUtcNow() };
            db.Channels.Add(channel);
            var (created, overlap) = await DeviceService.CopyDevicesAsync(db, source, channel, time.GetUtcNow(), cancellationToken);
            if (overlap is not null)
            {
                return overlap;
            }

            audit.Record(db, actor, "create-channel", name, name, AuditChange.Created(
                $"{(hidden ? "hidden" : "visible")} channel {name} with devices {Names.List(created.Select(d => d.Device).Order(StringComparer.Ordinal))} (copied from {copyDevicesFrom})"));
            return new Mutation(
                OperationResult.Ok($"Created channel '{name}' with {created.Count} device(s) of '{copyDevicesFrom}'."),
                PublishRequest.ForDevices(created));
        }, cancellationToken);

    /// <summary>Combinations of fields that make no channel; each kind's own checks (names, targets, sources) run in its one change.</summary>
    private static OperationResult? Check(NewChannel request)
    {
        if (request.Alias is not null && request.Redirect is not null)
        {
            return OperationResult.Invalid("'alias' and 'redirect' cannot both be given: a channel is an alias or a redirect, not both.");
        }

        if (request.CopyDevicesFrom is not null && (request.Alias ?? request.Redirect) is not null)
        {
            return OperationResult.Invalid("'copyDevicesFrom' cannot be given with 'alias' or 'redirect': an alias mirrors its target's devices and a redirect has none.");
        }

        return request.Redirect is not null && request.Hidden == false
            ? OperationResult.Invalid("A redirect is always hidden: leave out 'hidden' or set it to true.")
            : null;
    }
}
