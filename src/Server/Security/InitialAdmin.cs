using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>
/// On the first start with no user, creates <c>admin</c> with a random one-time password and logs it, once. The
/// password must be changed at the first sign-in, after which the logged one is useless.
/// </summary>
internal sealed partial class InitialAdmin(UserService users, ILogger<InitialAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await users.EnsureInitialAdminAsync(cancellationToken) is { } password)
        {
            LogCreated(logger, password);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user existed: created user 'admin' with the one-time password {Password} (shown only now). Sign in at /admin/sign-in and choose your own password; until then nothing else is allowed, and afterwards this password is useless")]
    private static partial void LogCreated(ILogger logger, string password);
}
