namespace SystemImage.Core.Operations;

/// <summary>Who performs a mutation and through which surface (<c>cli</c>, <c>api</c>, <c>ui</c>, <c>job</c>), for the audit log.</summary>
public sealed record Actor(string Name, string Surface)
{
    public static Actor CommandLine() => new(Environment.UserName, "cli");

    public static Actor System { get; } = new("system", "job");
}
