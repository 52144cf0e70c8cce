using System.CommandLine;
using SystemImage.Core.Images;

namespace SystemImage.Server.Cli;

/// <summary>Image verbs: publish-image, list-images, set-phased-percentage, remove-image, copy-image, revert-image, tag-image, promote-channel.</summary>
internal static class ImageVerbs
{
    public static IEnumerable<Command> Create()
    {
        var channel = new Argument<string>("CHANNEL") { Description = "Channel name" };
        var device = new Argument<string>("DEVICE") { Description = "Device name" };
        var version = new Argument<int>("VERSION") { Description = "Image version" };

        var parts = new Argument<string[]>("PART=FILE") { Description = "Parts in order (.tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2), e.g. ubuntu=rootfs.tar.zst device=device.tar.xz", Arity = ArgumentArity.OneOrMore };
        var description = new Option<string?>("--description") { Description = "Description (default: the version_detail)" };
        var asVersion = new Option<int?>("--version") { Description = "Version to publish (default: latest + 1)" };
        var phased = new Option<int?>("--phased-percentage") { Description = "Phased percentage 0-100 (default 100)" };
        var tag = new Option<string?>("--tag") { Description = "Tag added to version_detail as tag=T" };
        var minVersion = new Option<int?>("--min-version") { Description = "Devices older than this version must take this full image (0 to the version published)" };
        var publish = Verb.Create("publish-image", "Publish a full image (and its delta) from part files", channel, device, parts, description, asVersion, phased, tag, minVersion);
        publish.SetAction((parse, ct) =>
        {
            var inputs = new List<PartInput>();
            foreach (var item in parse.GetRequiredValue(parts))
            {
                var split = item.Split('=', 2);
                if (split.Length != 2 || split[0].Length == 0 || split[1].Length == 0)
                {
                    Console.Error.WriteLine($"usage error: '{item}' is not PART=FILE (e.g. ubuntu=rootfs.tar.gz).");
                    return Task.FromResult(2);
                }

                inputs.Add(new PartInput(split[0], Path.GetFullPath(split[1])));
            }

            var request = new PublishImageRequest(parse.GetRequiredValue(channel), parse.GetRequiredValue(device), inputs)
            {
                Description = parse.GetValue(description),
                Version = parse.GetValue(asVersion),
                PhasedPercentage = parse.GetValue(phased),
                Tag = parse.GetValue(tag),
                MinVersion = parse.GetValue(minVersion),
            };
            return Verb.RunOperationAsync(parse, (s, actor, token) => s.GetRequiredService<ImageService>().PublishAsync(request, actor, token), ct);
        });

        var list = Verb.Create("list-images", "List a device's images, newest first", channel, device, Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var images = await s.GetRequiredService<ImageQueries>().ListOrNullAsync(parse.GetRequiredValue(channel), parse.GetRequiredValue(device), token);
            if (images is null)
            {
                return Verb.Fail($"{parse.GetRequiredValue(channel)}/{parse.GetRequiredValue(device)} does not exist.");
            }

            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(images);
                return 0;
            }

            foreach (var image in images)
            {
                var kind = image.Type == "full" ? "full " : $"delta from {image.Base}";
                var phase = image.PhasedPercentage < 100 ? $" phased {image.PhasedPercentage}%" : "";
                Console.Out.WriteLine($"{image.Version,5} {kind,-16} {image.Files.Sum(f => f.Size),12} bytes{phase}  {image.VersionDetail}");
            }

            Console.Out.WriteLine($"{images.Count} image(s)");
            return 0;
        }, ct));

        var percent = new Argument<int>("PERCENT") { Description = "0-100; 100 removes the phasing" };
        var setPhased = Verb.Create("set-phased-percentage", "Set the phased percentage of the latest version", channel, device, version, percent);
        setPhased.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImageEditor>().SetPhasedPercentageAsync(
                parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetRequiredValue(version), parse.GetRequiredValue(percent), actor, token), ct));

        var deltaBase = new Option<int?>("--delta-base") { Description = "Remove the delta from this base instead of the full image" };
        var remove = Verb.Create("remove-image", "Remove a full image, or a delta with --delta-base", channel, device, version, deltaBase);
        remove.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImageEditor>().RemoveAsync(
                parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetRequiredValue(version), parse.GetValue(deltaBase), actor, token), ct));

        var sourceChannel = new Argument<string>("SOURCE") { Description = "Channel to copy from" };
        var destinationChannel = new Argument<string>("DEST") { Description = "Channel to copy to" };
        var revision = new Option<int?>("-r", "--revision") { Description = "Source version (default: latest full image)" };
        var offset = new Option<int?>("-o", "--offset") { Description = "Copy the full image this many places before the latest" };
        var keep = new Option<bool>("-k", "--keep-version") { Description = "Keep the source's version number" };
        var copyPhased = new Option<int?>("-p", "--phased-percentage") { Description = "Phased percentage 0-100 of the new image" };
        var copyTag = new Option<string?>("-t", "--tag") { Description = "Tag for the new image's version_detail" };
        var copy = Verb.Create("copy-image", "Copy (promote, revert) a full image into a channel as a new version",
            sourceChannel, destinationChannel, device, revision, offset, keep, copyPhased, copyTag);
        copy.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImageCopyService>().CopyAsync(
                new CopyImageRequest(parse.GetRequiredValue(sourceChannel), parse.GetRequiredValue(destinationChannel), parse.GetRequiredValue(device))
                {
                    Version = parse.GetValue(revision),
                    Offset = parse.GetValue(offset),
                    KeepVersion = parse.GetValue(keep),
                    PhasedPercentage = parse.GetValue(copyPhased),
                    Tag = parse.GetValue(copyTag),
                },
                actor,
                token), ct));

        var tagName = new Argument<string>("TAG") { Description = "Tag (no ',')" };
        var tagImage = Verb.Create("tag-image", "Publish a new image of VERSION whose version_detail carries tag=TAG", channel, device, version, tagName);
        tagImage.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImageCopyService>().TagAsync(
                parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetRequiredValue(version), parse.GetRequiredValue(tagName), actor, token), ct));

        var goodVersion = new Argument<int>("VERSION") { Description = "The last good full version to publish again" };
        var revert = Verb.Create("revert-image", "Publish VERSION again as the newest image; an automatic channel's imports are paused first",
            channel, device, goodVersion);
        revert.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<ImageRevert>().RevertAsync(
                parse.GetRequiredValue(channel), parse.GetRequiredValue(device), parse.GetRequiredValue(goodVersion), actor, token), ct));

        var promoteFrom = new Argument<string>("FROM") { Description = "Channel to promote from" };
        var promoteTo = new Argument<string>("TO") { Description = "Channel to promote into (every device of it)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what would be copied" };
        var promote = Verb.Create("promote-channel", "Copy FROM's latest full image into every device of TO where it differs",
            promoteFrom, promoteTo, copyPhased, copyTag, dryRun);
        promote.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var promotion = s.GetRequiredService<ChannelPromotion>();
            var (from, to) = (parse.GetRequiredValue(promoteFrom), parse.GetRequiredValue(promoteTo));
            var (result, devices) = parse.GetValue(dryRun)
                ? await promotion.PreviewAsync(from, to, token)
                : await promotion.PromoteAsync(from, to, parse.GetValue(copyPhased), parse.GetValue(copyTag), Core.Operations.Actor.CommandLine(), token);
            foreach (var device in devices)
            {
                Console.Out.WriteLine($"  {device.Device}: {device.Outcome}");
            }

            return Verb.Report(result);
        }, ct));

        return [publish, list, setPhased, remove, copy, revert, tagImage, promote];
    }
}
