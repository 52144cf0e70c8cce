using SystemImage.Core.Security;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Generators;
using SystemImage.Core.Importing;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Server.Jobs;
using SystemImage.Server.Security;

namespace SystemImage.Server.Api;

/// <summary>Importer configuration, "import now" and the jobs (list, read, cancel).</summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var channel = api.MapGroup("/channels/{c}").WithTags("Imports");
        channel.MapGet("/config", GetConfigAsync).RequireAuthorization(SecurityExtensions.Viewer);
        channel.MapPut("/config", PutConfigAsync).RequireAuthorization(SecurityExtensions.Admin);
        channel.MapPost("/import", ImportAsync).RequireAuthorization(SecurityExtensions.Publisher);
        api.MapPost("/config/import-ini", ImportIniAsync).RequireAuthorization(SecurityExtensions.Admin).WithTags("Imports")
            .Accepts<string>("text/plain");
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/", ListJobsAsync).RequireAuthorization(SecurityExtensions.Viewer);
        jobs.MapGet("/{id:int}", GetJobAsync).RequireAuthorization(SecurityExtensions.Viewer);
        jobs.MapPost("/{id:int}/cancel", CancelJobAsync).RequireAuthorization(SecurityExtensions.Admin);
        return api;
    }

    private static async Task<Results<Ok<ImporterConfigDto>, ProblemHttpResult>> GetConfigAsync(
        string c, ImporterConfigService configs, CancellationToken cancellationToken) =>
        await configs.GetAsync(ApiResults.Name(c), cancellationToken) is { } config
            ? TypedResults.Ok(ImporterConfigDto.Of(config))
            : ApiResults.NotFound($"Channel '{ApiResults.Name(c)}' does not exist.");

    private static async Task<Results<Ok<ImporterConfigDto>, ProblemHttpResult>> PutConfigAsync(
        string c, ImporterConfigDto body, ImporterConfigService configs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (body.ToConfig() is not { } config)
        {
            return ApiResults.BadRequest($"'type' must be manual or auto, not '{body.Type}'.");
        }

        var result = await configs.SetAsync(ApiResults.Name(c), config, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Ok(ImporterConfigDto.Of((await configs.GetAsync(ApiResults.Name(c), cancellationToken))!))
            : ApiResults.Problem(result);
    }

    /// <summary>Answers the channels the INI configured, each with its saved configuration and whether it was created.</summary>
    private static async Task<Results<Ok<IReadOnlyList<ConfiguredChannelDto>>, ProblemHttpResult>> ImportIniAsync(
        HttpRequest request, ImporterConfigService configs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var imported = await configs.ImportIniAsync(text, user.ToActor(), cancellationToken);
        if (!imported.Result.Succeeded)
        {
            return ApiResults.Problem(imported.Result);
        }

        var channels = new List<ConfiguredChannelDto>();
        foreach (var name in imported.Channels)
        {
            var config = await configs.GetAsync(name, cancellationToken);
            channels.Add(new ConfiguredChannelDto(name, imported.Created.Contains(name), ImporterConfigDto.Of(config!)));
        }

        return TypedResults.Ok<IReadOnlyList<ConfiguredChannelDto>>(channels);
    }

    private static async Task<Results<Accepted<ImportQueuedDto>, Ok<JobDto>, ProblemHttpResult>> ImportAsync(
        string c, bool? wait, ImportJobs jobs, ImportRuns runs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var name = ApiResults.Name(c);
        if (wait == true)
        {
            if (await runs.ActiveRunAsync(name, cancellationToken) is { } active)
            {
                return TypedResults.Problem(
                    detail: $"An import of '{name}' is already {active.State.ToString().ToLowerInvariant()} (job {active.Id}); wait for it or ask without wait=true.",
                    statusCode: StatusCodes.Status409Conflict);
            }

            if (await jobs.CheckAsync(name, cancellationToken) is { } refusal)
            {
                return ApiResults.Problem(refusal);
            }

            var runId = await runs.QueueAsync(name, "import-now", user.ToActor(), cancellationToken);
            await runs.RunAsync(runId, user.ToActor(), cancellationToken);
            return TypedResults.Ok(JobDto.Of((await runs.GetAsync(runId, cancellationToken))!, withLog: true));
        }

        var (result, queued, jobId) = await jobs.ImportNowAsync(name, user.ToActor(), cancellationToken);
        return result.Succeeded
            ? TypedResults.Accepted($"/api/v1/jobs/{queued}", new ImportQueuedDto(queued!.Value, jobId!))
            : ApiResults.Problem(result);
    }

    private static async Task<Results<Ok<List<JobDto>>, ProblemHttpResult>> ListJobsAsync(
        string? channel, int? limit, ImportRunQueries runs, CancellationToken cancellationToken)
    {
        if (ImportRunQueries.ValidateLimit(limit ?? 50) is { } invalid)
        {
            return ApiResults.BadRequest(invalid);
        }

        return TypedResults.Ok((await runs.RecentAsync(channel, null, limit ?? 50, cancellationToken)).Select(r => JobDto.Of(r, withLog: false)).ToList());
    }

    private static async Task<Results<Ok<JobDto>, ProblemHttpResult>> GetJobAsync(int id, ImportRuns runs, CancellationToken cancellationToken) =>
        await runs.GetAsync(id, cancellationToken) is { } run ? TypedResults.Ok(JobDto.Of(run, withLog: true)) : ApiResults.NotFound($"There is no job {id}.");

    /// <summary>
    /// 200 with the job when it was queued (cancelled at once); 202 when it is an import that runs and has been asked to
    /// stop (poll it); 409 when it has ended or is a running re-sign or key rotation.
    /// </summary>
    private static async Task<Results<Ok<JobDto>, Accepted<JobDto>, ProblemHttpResult>> CancelJobAsync(
        int id, ImportRuns runs, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (result, run) = await runs.CancelAsync(id, user.ToActor(), cancellationToken);
        if (!result.Succeeded || run is null)
        {
            return ApiResults.Problem(result);
        }

        var job = JobDto.Of(run, withLog: true);
        return run.State == ImportRunState.Running ? TypedResults.Accepted($"/api/v1/jobs/{id}", job) : TypedResults.Ok(job);
    }
}

public sealed record MessageDto(string Message);

/// <summary>What a queued job (an import, a re-sign) answers: the job to poll at <c>/api/v1/jobs/{jobId}</c>, and the background job running it.</summary>
public sealed record ImportQueuedDto(int JobId, string BackgroundJobId);

/// <summary>A job (an import or a tree-wide task) as <c>/jobs</c> shows it; <c>cancelRequestedBy</c> names who asked to cancel it.</summary>
public sealed record JobDto(
    int Id, string Kind, string Channel, string State, string Trigger, string Actor, JobProgressDto? Progress,
    DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Summary, string? BackgroundJobId, IReadOnlyList<string>? Log,
    string? CancelRequestedBy)
{
    public static JobDto Of(ImportRun run, bool withLog) => new(
        run.Id, run.Kind, run.Channel, StateName(run.State), run.Trigger, run.Actor,
        run.State == ImportRunState.Running ? new JobProgressDto(run.Device, run.File, run.BytesDone, run.BytesTotal) : null,
        run.QueuedAt, run.StartedAt, run.FinishedAt, run.Summary, run.JobId,
        withLog ? run.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries) : null,
        run.CancelRequestedBy);

    private static string StateName(ImportRunState state) => state switch
    {
        ImportRunState.NothingNew => "nothing-new",
        _ => state.ToString().ToLowerInvariant(),
    };
}

public sealed record JobProgressDto(string? Device, string? File, long BytesDone, long? BytesTotal);

/// <summary>A channel's importer configuration in the API's shape (API.md).</summary>
public sealed record ImporterConfigDto(
    string? Type, int? VersionBase, int? FullCount, IReadOnlyList<string>? DeltaBase, IReadOnlyList<ImportFileDto>? Files, string? Schedule, bool? Paused)
{
    public static ImporterConfigDto Of(ImporterConfig config) => new(
        config.Type.ToString().ToLowerInvariant(), config.VersionBase, config.FullCount, config.DeltaBases,
        [.. config.Files.Select(f => new ImportFileDto(f.Name, f.Generator, f.Arguments, f.Device, f.Options.Count == 0 ? null : f.Options))],
        config.Schedule, config.Paused);

    /// <summary>The Core configuration, or null when <see cref="Type"/> is not a known type.</summary>
    public ImporterConfig? ToConfig()
    {
        ChannelType? type = (Type ?? "manual").ToLowerInvariant() switch
        {
            "manual" => ChannelType.Manual,
            "auto" => ChannelType.Auto,
            _ => null,
        };
        return type is null ? null : new ImporterConfig
        {
            Type = type.Value,
            VersionBase = VersionBase ?? 1,
            FullCount = FullCount ?? 0,
            DeltaBases = DeltaBase ?? [],
            Files = [.. (Files ?? []).Select(f => new ImportFile
            {
                Name = f.Name ?? "",
                Generator = f.Generator ?? "",
                Arguments = f.Arguments ?? [],
                Device = f.Device,
                Options = f.Options ?? new Dictionary<string, string>(),
            })],
            Schedule = string.IsNullOrWhiteSpace(Schedule) ? null : Schedule,
            Paused = Paused ?? false,
        };
    }
}

public sealed record ImportFileDto(string? Name, string? Generator, IReadOnlyList<string>? Arguments, string? Device, IReadOnlyDictionary<string, string>? Options);

/// <summary>One channel an INI configured.</summary>
/// <param name="Name">The channel.</param>
/// <param name="Created">Whether the INI created it.</param>
/// <param name="Config">Its importer configuration as saved.</param>
public sealed record ConfiguredChannelDto(string Name, bool Created, ImporterConfigDto Config);
