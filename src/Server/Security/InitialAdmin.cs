using SystemImage.Core.Security;

namespace SystemImage.Server.Security;

/// <summary>On the first start with no user, creates <c>admin</c> with a random password and logs it, once.</summary>
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user existed: created user 'admin' with password {Password} (shown only now; sign in and keep it safe)")]
    private static partial void LogCreated(ILogger logger, string password);
}
