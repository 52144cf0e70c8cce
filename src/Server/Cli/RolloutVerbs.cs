using System.CommandLine;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Cli;

/// <summary>Channel-wide phasing verbs: phase-channel.</summary>
internal static class RolloutVerbs
{
    public static IEnumerable<Command> Create()
    {
        var channel = new Argument<string>("CHANNEL") { Description = "Channel name" };
        var percent = new Argument<int>("PERCENT") { Description = "0-100; 100 removes the phasing" };
        var devices = new Option<string?>("--devices") { Description = "Only these devices, comma-separated (default: every device)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what each device would get" };
        var phase = Verb.Create("phase-channel", "Set the phased percentage of the latest version of every device of CHANNEL in one change",
            channel, percent, devices, dryRun);
        phase.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var phasing = s.GetRequiredService<ChannelPhasing>();
            var (name, percentage, chosen) = (parse.GetRequiredValue(channel), parse.GetRequiredValue(percent), DeviceList(parse.GetValue(devices)));
            var (result, phases) = parse.GetValue(dryRun)
                ? await phasing.PreviewAsync(name, percentage, chosen, token)
                : await phasing.SetAsync(name, percentage, chosen, Actor.CommandLine(), token);
            foreach (var device in phases)
            {
                Console.Out.WriteLine($"  {device.Device}: {device.Outcome}");
            }

            return Verb.Report(result);
        }, ct));

        return [phase];
    }

    /// <summary>A <c>--devices a,b</c> list, or null for every device.</summary>
    private static string[]? DeviceList(string? list) =>
        string.IsNullOrWhiteSpace(list) ? null : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
