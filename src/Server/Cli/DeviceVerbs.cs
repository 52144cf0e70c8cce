using System.CommandLine;
using SystemImage.Core.Channels;
using SystemImage.Core.Operations;
using SystemImage.Core.Signing;

namespace SystemImage.Server.Cli;

/// <summary>Device verbs: create, copy from another channel, per-device redirect, remove.</summary>
internal static class DeviceVerbs
{
    public static IEnumerable<Command> Create()
    {
        var channel = new Argument<string>("CHANNEL") { Description = "Channel name" };
        var device = new Argument<string>("DEVICE") { Description = "Device name, e.g. mako" };

        var keyring = new Option<bool>("--keyring") { Description = "Publish a device-signing keyring (device.tar.xz) for the device" };
        var create = Verb.Create("create-device", "Create a device in a channel", channel, device, keyring);
        create.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<DeviceService>().CreateAsync(parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetValue(keyring), actor, token), ct));

        var from = new Argument<string>("FROM_CHANNEL") { Description = "Channel whose devices are copied" };
        var to = new Argument<string>("TO_CHANNEL") { Description = "Channel that receives the devices" };
        var copy = Verb.Create("copy-devices", "Create in TO_CHANNEL every device of FROM_CHANNEL", from, to);
        copy.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<DeviceService>().CopyAllAsync(parse.GetRequiredValue(from), parse.GetRequiredValue(to), actor, token), ct));

        var target = new Argument<string>("TARGET_CHANNEL") { Description = "Channel whose index the device uses" };
        var redirect = Verb.Create("create-device-redirect", "Make one device of a channel use another channel", channel, device, target);
        redirect.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<DeviceService>().CreateRedirectAsync(parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetRequiredValue(target), actor, token), ct));

        var remove = Verb.Create("remove-device", "Remove a device from a channel", channel, device);
        remove.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<DeviceService>().RemoveAsync(parse.GetRequiredValue(channel), parse.GetRequiredValue(device), actor, token), ct));

        var file = new Option<FileInfo?>("--file")
        {
            Description = "Publish these public keys instead of the server's device-signing key: a device-signing.tar.xz keyring tarball, or gpg --export output (binary or armored)",
        };
        var keyringVerb = Verb.Create("set-device-keyring", "Publish the device's keyring (device.tar.xz): the server's device-signing key, or uploaded keys", channel, device, file);
        keyringVerb.SetAction((parse, ct) => Verb.RunOperationAsync(parse, async (s, actor, token) =>
        {
            var (name, path) = (parse.GetRequiredValue(device), parse.GetValue(file));
            UploadedKeyring? uploaded = null;
            if (path is not null)
            {
                if (!path.Exists)
                {
                    return OperationResult.Invalid($"{path.FullName} does not exist.");
                }

                var (keyring, refusal) = UploadedKeyring.Parse(await File.ReadAllBytesAsync(path.FullName, token), name, s.GetRequiredService<TimeProvider>().GetUtcNow());
                if (keyring is null)
                {
                    return OperationResult.Invalid($"{path.Name}: {refusal}");
                }

                uploaded = keyring;
            }

            return await s.GetRequiredService<DeviceService>().PublishKeyringAsync(parse.GetRequiredValue(channel), name, uploaded, actor, token);
        }, ct));

        return [create, copy, redirect, remove, keyringVerb];
    }
}
