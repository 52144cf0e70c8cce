using System.Text.RegularExpressions;

namespace SystemImage.Server.Tests.Devices;

/// <summary>What one run of <c>run-client.sh</c> said: its verdict line, the recovery command file and the client's log.</summary>
public sealed partial record ClientRun(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Command, string Log)
{
    /// <summary>The harness's last line: <c>CLIENT PASS …</c> or <c>CLIENT FAIL …</c>.</summary>
    public string Verdict { get; } = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith("CLIENT ", StringComparison.Ordinal)) ?? "";

    public bool Passed => ExitCode == 0 && Verdict.StartsWith("CLIENT PASS", StringComparison.Ordinal);

    /// <summary>The winning path the client chose (<c>3</c>, <c>2:3</c>, <c>none</c>), when the harness got that far.</summary>
    public string? Path => PathPattern().Match(Verdict) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The files the client downloaded for recovery to apply, in order (<c>update FILE FILE.asc</c> lines).</summary>
    public IReadOnlyList<string> Updates => [.. Command.Where(l => l.StartsWith("update ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1])];

    /// <summary>True when recovery would wipe the system partition first: the path starts with a full image.</summary>
    public bool FormatsSystem => Command.Contains("format system");

    /// <summary>The harness's <c>WARN</c> lines (e.g. a version tarball whose channel.ini names another channel).</summary>
    public IReadOnlyList<string> Warnings => [.. Stdout.Split('\n').Where(l => l.StartsWith("WARN ", StringComparison.Ordinal))];

    public override string ToString() => $"{Verdict}\n--- stdout:\n{Stdout}\n--- stderr:\n{Stderr}\n--- client log (tail):\n{Tail(Log, 40)}";

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    [GeneratedRegex(@"path=([0-9:]+|none)")]
    private static partial Regex PathPattern();
}
