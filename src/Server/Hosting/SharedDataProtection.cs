using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;

namespace SystemImage.Server.Hosting;

/// <summary>
/// The keys that protect sign-in cookies and form tokens live in the data directory (<c>secrets/data-protection</c>),
/// not in the home directory of whoever runs the server: they survive a container's restart, and every node of an
/// installation sharing the data folder accepts the cookies the others issued.
/// </summary>
internal static class SharedDataProtection
{
    public const string ApplicationName = "SystemImage";

    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<SystemImageOptions>, ILoggerFactory>((keys, data, logging) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(data.Value.SecretsDir, "data-protection")), logging));
        return services;
    }
}
