using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Generators;

/// <summary>
/// Makes one file of an automatic channel's image (SPEC §5, "Generators"). Generators are content-addressed: the
/// same input gives the same pool path, and a path the pool already has is returned as it is, not made again.
/// </summary>
public interface IFileGenerator
{
    /// <summary>The name configuration uses, e.g. <c>cdimage-ubuntu</c>.</summary>
    string Name { get; }

    /// <summary>
    /// A one-line reason why <paramref name="file"/>'s arguments and options cannot work (a missing required
    /// argument, an unknown option, a URL that is not http or https), or null. Called when a configuration is saved,
    /// so mistakes surface then rather than at the next import.
    /// </summary>
    string? Validate(ImportFile file);

    /// <summary>
    /// True for a generator that gives a file only when another file of the image is new (<c>keyring</c>), so its
    /// "nothing" then means "nothing new", not a cancelled image.
    /// </summary>
    bool OnlyWhenAnotherFileIsNew => false;

    /// <summary>
    /// The pool file for the device's new image: one already published, or one staged with
    /// <see cref="ImportSession.AddTarballAsync"/>. Null means "nothing", which cancels the device's image.
    /// </summary>
    /// <remarks>Bad or unreachable input is reported with <see cref="GeneratorException"/>, which also cancels the image.</remarks>
    Task<PoolFile?> GenerateAsync(GeneratorContext context, CancellationToken cancellationToken);
}
