using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SystemImage.Core.Adoption;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Compression;
using SystemImage.Core.Configuration;
using SystemImage.Core.Diagnostics;
using SystemImage.Core.Generators;
using SystemImage.Core.Generators.CdImage;
using SystemImage.Core.Hosting;
using SystemImage.Core.Images;
using SystemImage.Core.Images.Deltas;
using SystemImage.Core.Images.Parts;
using SystemImage.Core.Importing;
using SystemImage.Core.Maintenance;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Publishing;
using SystemImage.Core.Security;
using SystemImage.Core.Signing;

namespace SystemImage.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the core services: options, metadata database, signing, publisher and operations.</summary>
    public static IServiceCollection AddSystemImageCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SystemImageOptions>().Bind(configuration.GetSection(SystemImageOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SigningOptions>().Bind(configuration.GetSection(SigningOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<XzOptions>().Bind(configuration.GetSection(XzOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CompressionOptions>().Bind(configuration.GetSection(CompressionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ArchiveLimitsOptions>().Bind(configuration.GetSection(ArchiveLimitsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignInOptions>().Bind(configuration.GetSection(SignInOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdoptionOptions>().Bind(configuration.GetSection(AdoptionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DescriptionOptions>().Bind(configuration.GetSection(DescriptionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SystemImageOptions>, SystemImageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        AddDatabase(services, configuration);

        services.AddSingleton<KeyGenerator>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<KeyStore>(
            provider, provider.GetRequiredService<IOptions<SystemImageOptions>>().Value.SecretsDir));
        services.AddSingleton<OpenPgpSigner>();
        services.AddSingleton<TreeSignatures>();
        services.AddSingleton<KeyringPublisher>();
        services.AddSingleton<PublishLock>();
        services.AddSingleton<PendingPublishes>();
        services.AddSingleton<TreeLock>();
        services.AddSingleton<TreePublisher>();
        services.AddSingleton<TreeMutator>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<ChangeWatcher>();
        services.AddSingleton<AliasSync>();
        services.AddSingleton<ChannelService>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<ChannelQueries>();
        services.AddSingleton<ChannelOverviewQueries>();
        services.AddSingleton<ChannelCreation>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<KeyRevocation>();
        services.AddSingleton<DeltaGenerator>();
        services.AddSingleton<TarManifestStore>();
        services.AddSingleton<PartPreparer>();
        services.AddSingleton<PoolWriter>();
        services.AddSingleton<VersionTarballWriter>();
        services.AddSingleton<ImageComposer>();
        services.AddSingleton<ImageExpiry>();
        services.AddSingleton<ImageCopier>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<ImageCopyService>();
        services.AddSingleton<ImageRevert>();
        services.AddSingleton<ChannelPromotion>();
        services.AddSingleton<ChannelPhasing>();
        services.AddSingleton<ChannelRevert>();
        services.AddSingleton<Rollouts.RolloutService>();
        services.AddSingleton<ImageEditor>();
        services.AddSingleton<ImageQueries>();
        services.AddSingleton<TreeMaintenance>();
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<HttpFetcher>();
        services.AddSingleton<IFileGenerator, VersionGenerator>();
        services.AddSingleton<IFileGenerator, CdImageUbuntuGenerator>();
        services.AddSingleton<IFileGenerator, CdImageDeviceGenerator>();
        services.AddSingleton<IFileGenerator, CdImageCustomGenerator>();
        services.AddSingleton<IFileGenerator, HttpGenerator>();
        services.AddSingleton<IFileGenerator, KeyringGenerator>();
        services.AddSingleton<IFileGenerator, SystemImageGenerator>();
        services.AddSingleton<IFileGenerator, RemoteSystemImageGenerator>();
        services.AddSingleton<GeneratorRegistry>();
        services.AddSingleton<ImporterConfigService>();
        services.AddSingleton<Classic.TreeAdoption>();
        services.AddSingleton<MirrorSync>();
        services.AddSingleton<ImportService>();
        services.AddSingleton<RunLeases>();
        services.AddSingleton<ImportRuns>();
        services.AddSingleton<ImportRunQueries>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<UserService>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<TreeSizeCache>();
        services.AddSingleton<SystemImageMetrics>();
        services.AddSingleton<DownloadCounter>();
        services.AddSingleton<DownloadTargets>();
        services.AddSingleton<DownloadStore>();
        services.AddSingleton<DownloadFlusher>();
        services.AddSingleton<DownloadQueries>();
        services.AddSingleton<AccessLogIngest>();
        services.AddSingleton<Releases.ReleaseQueries>();
        return services;
    }

    /// <summary>
    /// The metadata database of <c>SystemImage:Database:Provider</c>. Everything asks for
    /// <see cref="IDbContextFactory{SystemImageDbContext}"/>; on PostgreSQL it makes <see cref="PostgreSqlDbContext"/>s,
    /// so migrations are that context's own.
    /// </summary>
    private static void AddDatabase(IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection($"{SystemImageOptions.SectionName}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (database.IsPostgreSql)
        {
            services.AddDbContextFactory<PostgreSqlDbContext>((provider, builder) =>
                builder.UseNpgsql(
                    provider.GetRequiredService<IOptions<SystemImageOptions>>().Value.Database.ConnectionString,
                    npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            services.AddSingleton<IDbContextFactory<SystemImageDbContext>>(provider =>
                new PostgreSqlContexts(provider.GetRequiredService<IDbContextFactory<PostgreSqlDbContext>>()));
            return;
        }

        services.AddDbContextFactory<SystemImageDbContext>((provider, builder) =>
            builder.UseSqlite(
                ConnectionString(provider.GetRequiredService<IOptions<SystemImageOptions>>().Value),
                sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .AddInterceptors(new SqliteBusyTimeout()));
    }

    /// <summary>How long a write waits for another writer before it fails with "database is locked".</summary>
    private const int BusyTimeoutSeconds = 30;

    internal static string ConnectionString(SystemImageOptions options) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            DefaultTimeout = BusyTimeoutSeconds,
            Pooling = true,
        }.ToString();
}
