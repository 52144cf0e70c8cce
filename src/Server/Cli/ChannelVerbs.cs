using System.CommandLine;
using SystemImage.Core.Channels;

namespace SystemImage.Server.Cli;

/// <summary>Channel verbs: list, create, alias, redirect, hide/show, rename, remove.</summary>
internal static class ChannelVerbs
{
    public static IEnumerable<Command> Create()
    {
        var name = new Argument<string>("NAME") { Description = "Channel name, e.g. ubuntu-touch/stable" };
        var target = new Argument<string>("TARGET") { Description = "Target channel" };

        var list = Verb.Create("list-channels", "List channels and their devices", Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, async (services, token) =>
        {
            var channels = await services.GetRequiredService<ChannelQueries>().ListAsync(token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(channels);
            }
            else
            {
                foreach (var channel in channels)
                {
                    Console.Out.WriteLine(Describe(channel));
                }

                Console.Out.WriteLine($"{channels.Count} channel(s)");
            }

            return 0;
        }, ct));

        var hidden = new Option<bool>("--hidden") { Description = "Hide the channel from user-facing lists" };
        var create = Verb.Create("create-channel", "Create a manual channel", name, hidden);
        create.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().CreateAsync(parse.GetRequiredValue(name), parse.GetValue(hidden), actor, token), ct));

        var alias = Verb.Create("create-alias", "Create an alias channel mirroring TARGET", name, target);
        alias.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().CreateAliasAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(target), actor, token), ct));

        var retarget = Verb.Create("retarget-alias", "Point an alias at another channel", name, target);
        retarget.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().RetargetAliasAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(target), actor, token), ct));

        var redirect = Verb.Create("create-redirect", "Create a redirect channel pointing devices at TARGET", name, target);
        redirect.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().CreateRedirectAsync(parse.GetRequiredValue(name), parse.GetRequiredValue(target), actor, token), ct));

        var hide = Verb.Create("hide-channel", "Hide a channel", name);
        hide.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().SetHiddenAsync(parse.GetRequiredValue(name), true, actor, token), ct));

        var show = Verb.Create("show-channel", "Show a hidden channel", name);
        show.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().SetHiddenAsync(parse.GetRequiredValue(name), false, actor, token), ct));

        var oldName = new Argument<string>("OLD") { Description = "Current channel name" };
        var newName = new Argument<string>("NEW") { Description = "New channel name" };
        var noRedirect = new Option<bool>("--no-redirect") { Description = "Do not leave OLD as a redirect to NEW (devices still on OLD stop updating)" };
        var rename = Verb.Create("rename-channel", "Rename a channel (moves its directory; OLD stays as a hidden redirect to NEW)", oldName, newName, noRedirect);
        rename.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().RenameAsync(
                parse.GetRequiredValue(oldName), parse.GetRequiredValue(newName), actor, token, keepRedirect: !parse.GetValue(noRedirect)), ct));

        var remove = Verb.Create("remove-channel", "Remove a channel and its files", name);
        remove.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ChannelService>().RemoveAsync(parse.GetRequiredValue(name), actor, token), ct));

        return [list, create, alias, retarget, redirect, hide, show, rename, remove];
    }

    private static string Describe(ChannelSummary channel)
    {
        var kind = channel.Alias is not null ? $" (alias of {channel.Alias})"
            : channel.Redirect is not null ? $" (redirect to {channel.Redirect})" : "";
        var flags = channel.Hidden ? " [hidden]" : "";
        var devices = channel.Devices.Count == 0 ? "no devices"
            : string.Join(", ", channel.Devices.Select(d => d.Redirect is null ? d.Name : $"{d.Name}->{d.Redirect}"));
        return $"{channel.Name}{kind}{flags}: {devices}";
    }
}
