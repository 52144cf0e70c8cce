using System.CommandLine;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;

namespace SystemImage.Server.Cli;

/// <summary>
/// <c>users add|list|passwd|set-role|disable|enable|remove</c>: the admin UI's local accounts. A password set here
/// (generated and printed, or read from stdin) is a one-time password its user replaces at the next sign-in.
/// </summary>
internal static class UserVerbs
{
    public static IEnumerable<Command> Create()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var role = new Option<string>("--role") { Description = $"Role: {Roles.Known}", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (default: generate one and print it)" };

        var add = Verb.Create("add", "Add a user of the admin UI with a one-time password", name, role, passwordStdin);
        add.SetAction((parse, ct) => Roles.Parse(parse.GetRequiredValue(role)) is not { } parsed
            ? Task.FromResult(Verb.Usage($"--role must be {Roles.Known}."))
            : WithPasswordAsync(parse, passwordStdin, (s, password, token) =>
                s.GetRequiredService<UserService>().AddAsync(parse.GetRequiredValue(name), parsed, password, Actor.CommandLine(), token, mustChangePassword: true), ct));

        var list = Verb.Create("list", "List users with their role and state", Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var all = await s.GetRequiredService<UserService>().ListAsync(token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(all);
                return 0;
            }

            foreach (var user in all)
            {
                Console.Out.WriteLine($"{user.Name} ({user.Role}), {user.State}, last sign-in {user.LastSignInAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "never"}");
            }

            Console.Out.WriteLine($"{all.Count} user(s)");
            return 0;
        }, ct));

        var passwd = Verb.Create("passwd", "Set a one-time password for a user (their sessions end; a lockout is lifted)", name, passwordStdin);
        passwd.SetAction((parse, ct) => WithPasswordAsync(parse, passwordStdin, (s, password, token) =>
            s.GetRequiredService<UserService>().SetPasswordAsync(parse.GetRequiredValue(name), password, Actor.CommandLine(), token), ct));

        var setRole = Verb.Create("set-role", "Give a user another role (their sessions end)", name, role);
        setRole.SetAction((parse, ct) => Roles.Parse(parse.GetRequiredValue(role)) is not { } parsed
            ? Task.FromResult(Verb.Usage($"--role must be {Roles.Known}."))
            : Verb.RunOperationAsync(parse, (s, actor, token) => s.GetRequiredService<UserService>().SetRoleAsync(parse.GetRequiredValue(name), parsed, actor, token), ct));

        var disable = Verb.Create("disable", "Disable a user: no sign-in, every session ends", name);
        disable.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<UserService>().SetDisabledAsync(parse.GetRequiredValue(name), true, actor, token), ct));

        var enable = Verb.Create("enable", "Enable a disabled user again (also lifts a lockout)", name);
        enable.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<UserService>().SetDisabledAsync(parse.GetRequiredValue(name), false, actor, token), ct));

        var remove = Verb.Create("remove", "Remove a user", name);
        remove.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<UserService>().RemoveAsync(parse.GetRequiredValue(name), actor, token), ct));

        var users = new Command("users", "Users of the admin UI");
        foreach (var command in new[] { add, list, passwd, setRole, disable, enable, remove })
        {
            users.Subcommands.Add(command);
        }

        return [users];
    }

    /// <summary>Runs <paramref name="operation"/> with a password from stdin or a generated one, which is printed once when it succeeds.</summary>
    private static Task<int> WithPasswordAsync(
        ParseResult parse, Option<bool> passwordStdin, Func<IServiceProvider, string, CancellationToken, Task<OperationResult>> operation, CancellationToken cancellationToken)
    {
        var generated = !parse.GetValue(passwordStdin);
        var password = generated ? Passwords.Generate() : Console.In.ReadLine() ?? "";
        return Verb.RunAsync(parse, async (s, token) =>
        {
            var result = await operation(s, password, token);
            if (!result.Succeeded || !generated)
            {
                return Verb.Report(result);
            }

            Console.Out.WriteLine($"{result.Message} One-time password, shown only now (to be changed at the first sign-in):");
            Console.Out.WriteLine(password);
            return 0;
        }, cancellationToken);
    }
}
