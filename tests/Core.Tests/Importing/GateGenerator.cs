using SystemImage.Core.Generators;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;

namespace SystemImage.Core.Tests.Importing;

/// <summary>
/// A test generator, <c>gate;DIR;DEVICE</c>: for DEVICE it says it has been reached and then waits until the import is
/// cancelled; for every other device it is <see cref="TarballDirectoryGenerator"/> over DIR.
/// </summary>
internal sealed class GateGenerator : IFileGenerator
{
    public const string GeneratorName = "gate";

    private readonly TarballDirectoryGenerator _tarballs = new();

    /// <summary>Completes when an import is held at the gate.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => GeneratorName;

    public string? Validate(ImportFile file) => file.Arguments.Count == 2 ? null : "needs the directory and the device to hold";

    public async Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken)
    {
        if (context.Device == context.File.Arguments[1])
        {
            Reached.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return await _tarballs.GenerateAsync(context, cancellationToken);
    }
}
