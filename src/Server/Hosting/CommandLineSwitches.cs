namespace SystemImage.Server.Hosting;

/// <summary>Short command-line switches that map onto configuration keys.</summary>
internal static class CommandLineSwitches
{
    public static readonly Dictionary<string, string> Mappings = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "SystemImage:DataDir",
        ["--publish-root"] = "SystemImage:PublishRoot",
    };
}
