namespace SystemImage.Server.Tests;

/// <summary>
/// A server behind a trusted proxy on 127.0.0.1 (tests name any client with <c>X-Forwarded-For</c>) with small sign-in
/// limits: 6 password attempts per client and 5 per user name a minute, a lockout after 3 wrong passwords for a minute.
/// </summary>
public sealed class GuardedServer : InProcessServer
{
    public const int PerClient = 6;
    public const int PerUser = 5;
    public const int Failures = 3;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--SystemImage:Server:ForwardedHeaders:KnownProxies:0=127.0.0.1",
        $"--SystemImage:SignIn:RateLimit:PermitsPerClientPerMinute={PerClient}",
        $"--SystemImage:SignIn:RateLimit:PermitsPerUserPerMinute={PerUser}",
        $"--SystemImage:SignIn:MaxFailedAttempts={Failures}",
        "--SystemImage:SignIn:LockoutMinutes=1",
    ];
}
