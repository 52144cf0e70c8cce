using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The README's walkthrough (every <c>bash</c> block after a <c>&lt;!-- walkthrough --&gt;</c> line) run verbatim, in
/// order, with bash in a fresh directory whose <c>./data</c> is a running server's and whose <c>./systemimage</c> is
/// the checkout's script; only the server's address differs from the README's.
/// </summary>
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
public sealed partial class ReadmeWalkthroughTests(ServerProcess server) : IClassFixture<ServerProcess>
{
    private const string ReadmeAddress = "http://127.0.0.1:5000";

    [Fact]
    public async Task EveryWalkthroughBlockRunsVerbatimInOrder()
    {
        var bash = Tools.Require("bash");
        Tools.Require("curl");
        var blocks = Blocks(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "README.md")));
        Assert.True(blocks.Count >= 3, $"{blocks.Count} walkthrough blocks in README.md");
        Assert.Contains(ReadmeAddress, string.Concat(blocks));
        var here = Path.Combine(server.DataDir, "..", Path.GetFileName(server.DataDir) + "-walkthrough");
        Directory.CreateDirectory(here);
        File.CreateSymbolicLink(Path.Combine(here, "systemimage"), Path.Combine(RepositoryRoot.Path, "systemimage"));
        File.CreateSymbolicLink(Path.Combine(here, "data"), server.DataDir);
        var script = "set -euo pipefail -x\n" + string.Join("\n", blocks).Replace(ReadmeAddress, server.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);

        try
        {
            var info = new ProcessStartInfo(bash) { WorkingDirectory = here, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            foreach (var (key, value) in server.Environment)
            {
                info.Environment[key] = value;
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");

            var devel = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/devel/mako/index.json", UriKind.Relative)))!["images"]!.AsArray();
            Assert.Equal(["delta 2", "full 1", "full 2"], devel.Select(i => $"{i!["type"]} {i["version"]}").Order(StringComparer.Ordinal));
            var stable = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/stable/mako/index.json", UriKind.Relative)))!["images"]!.AsArray();
            var promoted = Assert.Single(stable);
            Assert.Equal(50, promoted!["phased-percentage"]!.GetValue<int>());
            Assert.Contains("\"type\": \"manual\"", await stdout);
        }
        finally
        {
            Directory.Delete(here, recursive: true);
        }
    }

    private static List<string> Blocks(string readme) => [.. Walkthrough().Matches(readme).Select(m => m.Groups["code"].Value)];

    [GeneratedRegex(@"^<!-- walkthrough -->\n```bash\n(?<code>.*?)\n```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Walkthrough();
}
