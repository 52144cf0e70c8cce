namespace SystemImage.Server.Cli;

internal static class CommandLine
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
