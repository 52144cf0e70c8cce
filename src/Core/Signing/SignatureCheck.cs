namespace SystemImage.Core.Signing;

/// <summary>The outcome of checking a detached signature: the fingerprint of the key that made it, or why it does not count.</summary>
/// <param name="Fingerprint">Uppercase hex fingerprint of the trusted primary key whose signature matched, when valid.</param>
/// <param name="Error">A one-line reason, when not valid.</param>
public sealed record SignatureCheck(string? Fingerprint, string? Error)
{
    public bool IsValid => Fingerprint is not null;

    public static SignatureCheck Valid(string fingerprint) => new(fingerprint, null);

    public static SignatureCheck Invalid(string error) => new(null, error);
}
