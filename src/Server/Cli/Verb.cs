using System.CommandLine;
using System.Text.Json;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SystemImage.Core.Hosting;
using SystemImage.Core.Operations;
using SystemImage.Core.Storage;
using SystemImage.Server.Hosting;

namespace SystemImage.Server.Cli;

/// <summary>Shared plumbing of the verbs: the host, the exit codes (0 ok, 1 failure, 2 usage) and output.</summary>
internal static class Verb
{
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Data directory (database, secrets, published tree). Default: SystemImage:DataDir or ./data",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log the services' progress (information level) to stderr",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON" };

    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { EnumNames.Converter() } };

    public static Command Create(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        return command;
    }

    /// <summary>Runs <paramref name="body"/> with the verb host's services; infrastructure failures become exit code 1.</summary>
    public static async Task<int> RunAsync(
        ParseResult parse, Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken, bool generateDevelopmentKeys = true)
    {
        try
        {
            using var host = VerbHost.Build(parse.GetValue(DataDir), parse.GetValue(Verbose));
            await host.Services.GetRequiredService<DataDirectory>().PrepareAsync(cancellationToken, generateDevelopmentKeys);
            return await body(host.Services, cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            return Fail($"configuration error: {string.Join(" ", e.Failures)}");
        }
        catch (Exception e) when (DiskFull.CauseOrNull(e) is { } cause)
        {
            return Fail(DiskFull.Describe(cause));
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            // A damaged, locked, unwritable or unreachable database: the reason, not a stack trace.
            return Fail($"the database failed: {(e.InnerException as DbException ?? e).Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>Runs one operation and reports its one-line outcome.</summary>
    public static Task<int> RunOperationAsync(ParseResult parse, Func<IServiceProvider, Actor, CancellationToken, Task<OperationResult>> operation, CancellationToken cancellationToken) =>
        RunAsync(parse, async (services, ct) => Report(await operation(services, Actor.CommandLine(), ct)), cancellationToken);

    public static int Report(OperationResult result)
    {
        if (result.Succeeded)
        {
            Console.Out.WriteLine(result.Message);
            return 0;
        }

        return Fail(result.Message);
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        return 1;
    }

    /// <summary>Reports input the verb cannot take (before any service runs): exit code 2.</summary>
    public static int Usage(string message)
    {
        Console.Error.WriteLine($"usage error: {message}");
        return 2;
    }

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOutput));
}
