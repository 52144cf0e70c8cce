using SystemImage.Core.Operations;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Importing;
using SystemImage.Core.Storage;

namespace SystemImage.Server.Jobs;

/// <summary>Hangfire for imports: SQLite storage in the data directory (or PostgreSQL's, beside the metadata), the job server, recurring imports and the dashboard.</summary>
public static class JobsExtensions
{
    /// <summary>Where the dashboard is mounted.</summary>
    public const string DashboardPath = "/admin/jobs";

    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // This host's own storage, registered before AddHangfire so its services (client, server, dashboard) use it
        // rather than the process-wide JobStorage.Current, which another host in the same process may replace.
        services.AddSingleton<JobStorage>(provider =>
        {
            var data = provider.GetRequiredService<IOptions<SystemImageOptions>>().Value;
            var jobs = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
            if (data.Database.IsPostgreSql)
            {
                // Beside the metadata, in their own schema; Hangfire's distributed locks make a recurring import run once across nodes.
                var postgres = new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.FromSeconds(jobs.QueuePollIntervalSeconds),
                };
                return new PostgreSqlStorage(new NpgsqlConnectionFactory(data.Database.ConnectionString!, postgres), postgres);
            }

            Directory.CreateDirectory(data.DataDirFullPath);
            PrivatePaths.SecureDatabase(data.HangfireDatabasePath);
            return new SQLiteStorage(data.HangfireDatabasePath, new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(jobs.QueuePollIntervalSeconds) });
        });
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .UseStorage(provider.GetRequiredService<JobStorage>()));
        services.AddHangfireServer((provider, server) =>
        {
            var jobs = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
            server.WorkerCount = jobs.WorkerCount;

            // This host's own job activator (its services): AddHangfire also sets the process-wide
            // JobActivator.Current, which belongs to whichever host configured Hangfire last. A worker that used it ran
            // this host's job in that host's services, and once that host was disposed the job failed before it began
            // (tests run several hosts in one process).
#pragma warning disable CS0618 // The server's own activator is what keeps hosts apart; nothing else per host sets one.
            server.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>());
#pragma warning restore CS0618
            server.SchedulePollingInterval = TimeSpan.FromSeconds(jobs.SchedulePollingIntervalSeconds);
        });
        services.AddSingleton<IJobQueue, HangfireJobQueue>();
        services.AddSingleton<ImportJob>();
        services.AddSingleton<ImportJobs>();
        services.AddSingleton<IBackgroundJobs>(provider => provider.GetRequiredService<ImportJobs>());
        services.AddSingleton<MaintenanceJob>();
        services.AddSingleton<RecurringImports>();
        services.AddHostedService(provider => provider.GetRequiredService<RecurringImports>());
        services.AddSingleton<RolloutJob>();
        services.AddHostedService<RolloutSchedule>();
        services.AddHostedService<MirrorSyncService>();
        return services;
    }

    /// <summary>The Hangfire dashboard at <see cref="DashboardPath"/>, for signed-in admins on <see cref="JobsOptions.DashboardAllowedNetworks"/> only.</summary>
    public static IApplicationBuilder UseJobsDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorization(app.ApplicationServices.GetRequiredService<IOptions<JobsOptions>>().Value.DashboardNetworks())],
            DashboardTitle = "System Image Server jobs",
            DisplayStorageConnectionString = false,
        });
}
