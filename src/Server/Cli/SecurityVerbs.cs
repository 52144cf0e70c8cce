using System.CommandLine;
using SystemImage.Core.Operations;
using SystemImage.Core.Security;

namespace SystemImage.Server.Cli;

/// <summary><c>tokens create|list|revoke</c> (users: <see cref="UserVerbs"/>).</summary>
internal static class SecurityVerbs
{
    /// <summary>A token's longest life when it has an expiry at all: a hundred years.</summary>
    private const int MaxExpiresDays = 36_500;

    public static IEnumerable<Command> Create()
    {
        var name = new Argument<string>("NAME") { Description = "Name of the token" };
        var role = new Option<string>("--role") { Description = $"Role: {Roles.Known}", Required = true };

        var expiresDays = new Option<int?>("--expires-days") { Description = "Days until the token expires (default: never)" };
        var create = Verb.Create("create", "Create an API token and print its secret (shown only this once)", name, role, expiresDays);
        create.SetAction((parse, ct) => Roles.Parse(parse.GetRequiredValue(role)) is not { } parsed
            ? Task.FromResult(Verb.Usage($"--role must be {Roles.Known}."))
            : parse.GetValue(expiresDays) is < 1 or > MaxExpiresDays
            ? Task.FromResult(Verb.Fail($"--expires-days must be between 1 and {MaxExpiresDays}, not {parse.GetValue(expiresDays)}."))
            : Verb.RunAsync(parse, async (s, token) =>
            {
                var expiry = parse.GetValue(expiresDays) is { } days ? DateTimeOffset.UtcNow.AddDays(days) : (DateTimeOffset?)null;
                var (result, info, secret) = await s.GetRequiredService<TokenService>().CreateAsync(parse.GetRequiredValue(name), parsed, expiry, Actor.CommandLine(), token);
                if (!result.Succeeded)
                {
                    return Verb.Report(result);
                }

                // The secret alone on stdout, so that TOKEN=$(systemimage tokens create …) holds it; the note for people on stderr.
                Console.Error.WriteLine($"{result.Message} Its secret, shown only now, follows on stdout.");
                Console.Out.WriteLine(secret);
                return 0;
            }, ct));

        var list = Verb.Create("list", "List API tokens (never their secrets)", Verb.Json);
        list.SetAction((parse, ct) => Verb.RunAsync(parse, async (s, token) =>
        {
            var tokens = await s.GetRequiredService<TokenService>().ListAsync(token);
            if (parse.GetValue(Verb.Json))
            {
                Verb.WriteJson(tokens);
                return 0;
            }

            foreach (var t in tokens)
            {
                var state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e ? $"expires {e:yyyy-MM-dd}" : "no expiry";
                Console.Out.WriteLine($"{t.Id,5} {t.Name} ({t.Role}) {t.Prefix}… {state}, last used {t.LastUsedAt?.ToString("yyyy-MM-dd HH:mm") ?? "never"}");
            }

            Console.Out.WriteLine($"{tokens.Count} token(s)");
            return 0;
        }, ct));

        var id = new Argument<int>("ID") { Description = "Token id (see tokens list)" };
        var revoke = Verb.Create("revoke", "Revoke an API token", id);
        revoke.SetAction((parse, ct) => Verb.RunOperationAsync(parse, (s, actor, token) =>
            s.GetRequiredService<TokenService>().RevokeAsync(parse.GetRequiredValue(id), actor, token), ct));

        var tokensCommand = new Command("tokens", "API tokens for CI and scripts");
        tokensCommand.Subcommands.Add(create);
        tokensCommand.Subcommands.Add(list);
        tokensCommand.Subcommands.Add(revoke);

        return [tokensCommand];
    }
}
