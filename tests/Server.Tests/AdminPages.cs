using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>What the admin UI's pages show, as the HTML a browser receives.</summary>
internal static class AdminPages
{
    /// <summary>The layout names the signed-in user and their role.</summary>
    public static void AssertSignedIn(string html, string name, string role)
    {
        Assert.Contains($"title=\"Signed in\">{name}</span>", html);
        Assert.Contains($"<span class=\"badge\">{role}</span>", html);
    }
}
