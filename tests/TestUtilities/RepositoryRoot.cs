namespace SystemImage.TestUtilities;

/// <summary>The checkout the tests were built from: the nearest directory above the test binaries holding SystemImage.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "SystemImage.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with SystemImage.sln) is not above " + AppContext.BaseDirectory);
    }
}
