using System.Diagnostics;
using System.Text;

namespace SystemImage.TestUtilities;

/// <summary>
/// Runs real GnuPG (gpgv, gpg) against a temporary GNUPGHOME, so tests check signatures the way devices do.
/// A missing tool fails the test (see <see cref="Tools.Require"/>).
/// </summary>
public sealed class Gpg : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private bool _ranGpg;

    public Gpg()
    {
        Home = Directory.CreateTempSubdirectory("gnupg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The temporary GNUPGHOME.</summary>
    public string Home { get; }

    /// <summary>Runs <c>gpgv --status-fd 1 --keyring KEYRING SIG DATA</c> on the given bytes.</summary>
    public VerifyResult Verify(byte[] keyring, byte[] signature, byte[] data)
    {
        var work = Directory.CreateTempSubdirectory("gpgv-").FullName;
        try
        {
            var keyringPath = Path.Combine(work, "keyring.gpg");
            var signaturePath = Path.Combine(work, "data.asc");
            var dataPath = Path.Combine(work, "data");
            File.WriteAllBytes(keyringPath, keyring);
            File.WriteAllBytes(signaturePath, signature);
            File.WriteAllBytes(dataPath, data);
            return VerifyFiles(keyringPath, signaturePath, dataPath);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Runs <c>gpgv --status-fd 1 --keyring KEYRING SIG DATA</c> on files (absolute paths).</summary>
    public VerifyResult VerifyFiles(string keyringPath, string signaturePath, string dataPath)
    {
        var result = Run("gpgv", "--status-fd", "1", "--keyring", Path.GetFullPath(keyringPath), signaturePath, dataPath);
        return new VerifyResult(result.ExitCode, result.Output, StatusField(result.Output, "VALIDSIG", 0), StatusField(result.Output, "VALIDSIG", 9));
    }

    /// <summary>Runs <c>gpg --batch ARGS</c> in this GNUPGHOME.</summary>
    public Result RunGpg(params string[] arguments)
    {
        _ranGpg = true;
        return Run("gpg", ["--batch", "--no-tty", .. arguments]);
    }

    public void Dispose()
    {
        // gpg (importing secret keys) starts a gpg-agent for this home; stop it before deleting the directory.
        if (_ranGpg)
        {
            Run("gpgconf", "--kill", "all");
        }

        Directory.Delete(Home, recursive: true);
    }

    private static string? StatusField(string output, string keyword, int index)
    {
        var prefix = $"[GNUPG:] {keyword} ";
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var fields = line?[prefix.Length..].Trim().Split(' ');
        return fields is not null && fields.Length > index ? fields[index] : null;
    }

    private Result Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Tools.Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GNUPGHOME"] = Home;
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {Timeout}.");
        }

        var output = new StringBuilder().Append(stdout.Result).Append(stderr.Result).ToString();
        return new Result(process.ExitCode, output);
    }

    /// <summary>Exit code and combined output of a GnuPG command.</summary>
    public sealed record Result(int ExitCode, string Output);

    /// <summary>
    /// Result of gpgv: exit code, combined output, and from the <c>VALIDSIG</c> status line the fingerprint of the
    /// key that made the signature and that of its primary key (both null when the signature is not valid).
    /// </summary>
    public sealed record VerifyResult(int ExitCode, string Output, string? SigningKeyFingerprint, string? PrimaryKeyFingerprint)
    {
        public bool IsValid => ExitCode == 0 && SigningKeyFingerprint is not null;
    }
}
