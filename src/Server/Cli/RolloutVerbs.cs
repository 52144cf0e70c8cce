using System.CommandLine;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Rollouts;

namespace SystemImage.Server.Cli;

/// <summary>Channel-wide verbs: phase-channel, rollout, rollout-status, pause-rollout, resume-rollout, halt-rollout, revert-channel.</summary>
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

        var steps = new Option<string>("--steps") { Description = "Steps PERCENT@WHEN, e.g. 10@now,50@+24h,100@+72h (m, h or d)", Required = true };
        var window = new Option<string?>("--window") { Description = "Run steps only inside this UTC window, e.g. \"Mon-Fri 08-17\"" };
        var start = Verb.Create("rollout", "Start a scheduled ramp of the latest version of every device of CHANNEL (or those named)", channel, steps, window, devices);
        start.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var (result, view) = await s.GetRequiredService<RolloutService>().StartAsync(
                parse.GetRequiredValue(channel), parse.GetRequiredValue(steps), parse.GetValue(window), DeviceList(parse.GetValue(devices)), Actor.CommandLine(), token);
            return Print(result, view, json: false);
        }, ct));

        var status = Verb.Create("rollout-status", "Show CHANNEL's latest rollout with its steps", channel, Verb.Json);
        status.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var (result, view) = await s.GetRequiredService<RolloutService>().GetAsync(parse.GetRequiredValue(channel), token);
            return Print(result, view, parse.GetValue(Verb.Json));
        }, ct));

        var pause = Verb.Create("pause-rollout", "Stop CHANNEL's rollout from taking further steps", channel);
        pause.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var (result, view) = await s.GetRequiredService<RolloutService>().PauseAsync(parse.GetRequiredValue(channel), Actor.CommandLine(), token);
            return Print(result, view, json: false);
        }, ct));

        var resume = Verb.Create("resume-rollout", "Let CHANNEL's paused rollout take its steps again (a step due meanwhile runs now)", channel);
        resume.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var (result, view) = await s.GetRequiredService<RolloutService>().ResumeAsync(parse.GetRequiredValue(channel), Actor.CommandLine(), token);
            return Print(result, view, json: false);
        }, ct));

        var reason = new Option<string>("--reason") { Description = "Why the rollout is halted (audited)", Required = true };
        var halt = Verb.Create("halt-rollout", "Halt CHANNEL's rollout: every device it covers goes to 0% in one change", channel, reason);
        halt.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var (result, view) = await s.GetRequiredService<RolloutService>().HaltAsync(parse.GetRequiredValue(channel), parse.GetRequiredValue(reason), Actor.CommandLine(), token);
            return Print(result, view, json: false);
        }, ct));

        var revertDryRun = new Option<bool>("--dry-run") { Description = "Only show what each device would get" };
        var revert = Verb.Create("revert-channel", "Revert every device of CHANNEL to its previous good build in one change (an automatic channel's imports are paused first)",
            channel, revertDryRun);
        revert.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var reverts = s.GetRequiredService<ChannelRevert>();
            var (result, outcomes) = parse.GetValue(revertDryRun)
                ? await reverts.PreviewAsync(parse.GetRequiredValue(channel), token)
                : await reverts.RevertAsync(parse.GetRequiredValue(channel), Actor.CommandLine(), token);
            foreach (var device in outcomes)
            {
                Console.Out.WriteLine($"  {device.Device}: {device.Outcome}");
            }

            return Verb.Report(result);
        }, ct));

        return [phase, start, status, pause, resume, halt, revert];
    }

    /// <summary>The outcome line and the rollout's steps (or the rollout as JSON).</summary>
    private static int Print(OperationResult result, RolloutView? view, bool json)
    {
        if (json && view is not null)
        {
            Verb.WriteJson(view);
            return 0;
        }

        if (view is not null)
        {
            Console.Out.WriteLine($"rollout of {view.Channel}: {view.State}{(view.EndReason is null ? "" : $" ({view.EndReason})")}{(view.Window is null ? "" : $", window {view.Window} UTC")}");
            Console.Out.WriteLine($"  devices: {string.Join(", ", view.Devices.Select(d => $"{d.Device} {d.Version}"))}");
            foreach (var step in view.Steps)
            {
                Console.Out.WriteLine($"  {step.Percentage,3}% at {step.DueAt:u}  {step.Status}{(step.DoneAt is { } done ? $" {done:u}" : "")}");
            }
        }

        return Verb.Report(result);
    }

    /// <summary>A <c>--devices a,b</c> list, or null for every device.</summary>
    private static string[]? DeviceList(string? list) =>
        string.IsNullOrWhiteSpace(list) ? null : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
