using System.CommandLine;
using SystemImage.Server.Hosting;

namespace SystemImage.Server.Cli;

/// <summary>
/// Entry point: with no verb (or <c>serve</c>, or only options) the server runs; otherwise one operator verb
/// runs against the same data directory and exits 0 (success), 1 (failure) or 2 (usage error).
/// </summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verbAt = FindVerb(args);
        if (verbAt < 0 && !args.Any(IsHelp))
        {
            return await ServerHost.RunAsync(args);
        }

        if (verbAt >= 0 && args[verbAt] == "serve")
        {
            return await ServerHost.RunAsync([.. args[..verbAt], .. args[(verbAt + 1)..]]);
        }

        var root = new RootCommand("System Image Server: signed image-based OS updates for device fleets.");
        root.Options.Add(Verb.DataDir);
        root.Options.Add(Verb.Verbose);
        root.Subcommands.Add(new Command("serve", "Run the server (default)"));
        foreach (var command in ChannelVerbs.Create().Concat(DeviceVerbs.Create()).Concat(ImageVerbs.Create()).Concat(TreeVerbs.Create()).Concat(KeyVerbs.Create()).Concat(ImportVerbs.Create()).Concat(SecurityVerbs.Create()).Concat(UserVerbs.Create()).Concat(AdoptionVerbs.Create()).Concat(RolloutVerbs.Create()).Concat(AuditVerbs.Create()).Concat(ClassicVerbs.Create()))
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var line in UsageErrors.Describe(parse))
            {
                Console.Error.WriteLine(line);
            }

            return 2;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>Index of the first token that is not a host option (<c>--key value</c> or <c>--key=value</c>), or -1.</summary>
    private static int FindVerb(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith('-'))
            {
                return i;
            }

            if (!args[i].Contains('=') && !IsHelp(args[i]) && !IsFlag(args[i]) && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
            {
                i++;
            }
        }

        return -1;
    }

    private static bool IsHelp(string arg) => arg is "-h" or "--help" or "-?" or "--version";

    /// <summary>Global switches that take no value, so the token after them is the verb.</summary>
    private static bool IsFlag(string arg) => arg is "-v" or "--verbose";
}
