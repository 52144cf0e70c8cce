using System.CommandLine;
using System.CommandLine.Parsing;

namespace SystemImage.Server.Cli;

/// <summary>
/// What a command line the verbs cannot take gets on stderr (exit code 2): each error as a person needs it, then the
/// verb's usage line, or where to find the list of verbs.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The lines to print for <paramref name="parse"/>, which has errors.</summary>
    public static IEnumerable<string> Describe(ParseResult parse)
    {
        foreach (var error in Errors(parse))
        {
            yield return $"usage error: {error}";
        }

        yield return parse.CommandResult.Command is RootCommand
            ? "Run 'systemimage --help' for the list of verbs."
            : $"Usage: {Usage(parse.CommandResult)}\nRun 'systemimage {Path(parse.CommandResult)} --help' for more.";
    }

    /// <summary>
    /// The parse errors as a person needs them: an unknown verb named as such (not after "Required command was not
    /// provided"), a missing argument by its name, then whatever else the parser found.
    /// </summary>
    private static List<string> Errors(ParseResult parse)
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
            .Select(Explain)
            .Distinct());
        return errors.Count > 0 ? errors : [.. parse.Errors.Select(e => e.Message)];
    }

    /// <summary>A value that is not a number, by the argument's or option's name; other errors as the parser words them.</summary>
    private static string Explain(ParseError error) => error.SymbolResult switch
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
}
