namespace SystemImage.TestUtilities;

/// <summary>Finds external tools that tests depend on. A missing tool fails the test with a clear message.</summary>
public static class Tools
{
    public static string Require(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"This test needs '{name}' on PATH (Debian: apt-get install -y {PackageOf(name)}).");
    }

    private static string PackageOf(string tool) => tool switch
    {
        "gpg" or "gpgv" => "gnupg",
        "xz" => "xz-utils",
        "chromium" => "chromium",
        _ => tool,
    };
}
