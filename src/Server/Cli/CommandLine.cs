using System.CommandLine;
using System.CommandLine.Parsing;
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
            foreach (var error in UsageErrors(parse))
            {
                Console.Error.WriteLine($"usage error: {error}");
            }

            var command = parse.CommandResult.Command;
            Console.Error.WriteLine(command == root
                ? "Run 'systemimage --help' for the list of verbs."
                : $"Usage: {Usage(parse.CommandResult)}\nRun 'systemimage {Path(parse.CommandResult)} --help' for more.");
            return 2;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>
    /// The parse errors as a person needs them: an unknown verb named as such (not after "Required command was not
    /// provided"), a missing argument by its name, then whatever else the parser found.
    /// </summary>
    private static List<string> UsageErrors(ParseResult parse)
    {
        var result = parse.CommandResult;
        var command = result.Command;
        var unmatched = parse.UnmatchedTokens.ToList();
        if (command.Subcommands.Count > 0 && result.Children.OfType<CommandResult>().FirstOrDefault() is null)
        {
            // A verb group (the root, tokens, users) without a verb of its own.
            var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            if (unmatched.FirstOrDefault(t => !t.StartsWith('-')) is not { } unknown)
            {
                return [$"'{Path(result)}' needs a verb: {string.Join(", ", verbs)}."];
            }

            if (command is not RootCommand)
            {
                return [$"'{unknown}' is not a verb of '{Path(result)}'; its verbs are {string.Join(", ", verbs)}."];
            }

            var near = verbs.Where(v => Distance(v, unknown) <= 2 || v.Contains(unknown, StringComparison.Ordinal) && unknown.Length >= 4).ToList();
            return [$"'{unknown}' is not a verb" + (near.Count > 0 ? $"; did you mean {string.Join(" or ", near.Select(v => $"'{v}'"))}?" : ".")];
        }

        var missing = command.Arguments
            .Where(a => a.Arity.MinimumNumberOfValues > 0 && (result.GetResult(a) is not ArgumentResult given || given.Tokens.Count < a.Arity.MinimumNumberOfValues))
            .Select(a => a.Name)
            .ToList();
        var errors = new List<string>();
        if (missing.Count > 0)
        {
            errors.Add($"{Path(result)} needs {string.Join(" and ", missing)}.");
        }

        errors.AddRange(parse.Errors
            .Where(e => missing.Count == 0 || !(e.SymbolResult is ArgumentResult a && missing.Contains(a.Argument.Name) || e.SymbolResult == result))
            .Select(Describe)
            .Distinct());
        return errors.Count > 0 ? errors : [.. parse.Errors.Select(e => e.Message)];
    }

    /// <summary>A value that is not a number, by the argument's or option's name; other errors as the parser words them.</summary>
    private static string Describe(ParseError error) => error.SymbolResult switch
    {
        ArgumentResult { Parent: OptionResult option } given when Number(given.Argument.ValueType) && given.Tokens.Count > 0 =>
            $"{option.Option.Name} must be a whole number, not '{given.Tokens[0].Value}'.",
        ArgumentResult given when Number(given.Argument.ValueType) && given.Tokens.Count > 0 =>
            $"{given.Argument.Name} must be a whole number, not '{given.Tokens[0].Value}'.",
        OptionResult option when Number(option.Option.ValueType) && option.Tokens.Count > 0 =>
            $"{option.Option.Name} must be a whole number, not '{option.Tokens[0].Value}'.",
        _ => error.Message,
    };

    private static bool Number(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(int) || t == typeof(long));

    /// <summary>The edit distance of two verbs (Levenshtein), to name the verb a typo meant.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>The verb as typed, e.g. <c>tokens create</c>.</summary>
    private static string Path(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is CommandResult { Command: not RootCommand } verb; at = at.Parent)
        {
            names.Insert(0, verb.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>One line of usage, e.g. <c>systemimage list-images CHANNEL DEVICE [options]</c>.</summary>
    private static string Usage(CommandResult result)
    {
        var arguments = result.Command.Arguments.Select(a => a.Arity.MaximumNumberOfValues > 1
            ? a.Arity.MinimumNumberOfValues > 0 ? $"{a.Name}..." : $"[{a.Name}...]"
            : a.Arity.MinimumNumberOfValues > 0 ? a.Name : $"[{a.Name}]");
        if (result.Command.Subcommands.Count > 0)
        {
            return $"systemimage {Path(result)} {string.Join('|', result.Command.Subcommands.Select(c => c.Name))} ...";
        }

        var options = result.Command.Options.Any(o => !o.Hidden) ? " [options]" : "";
        return $"systemimage {Path(result)} {string.Join(' ', arguments)}".TrimEnd() + options;
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
