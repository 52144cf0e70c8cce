namespace SystemImage.Core.Generators;

/// <summary>Every registered <see cref="IFileGenerator"/>, by name.</summary>
public sealed class GeneratorRegistry(IEnumerable<IFileGenerator> generators)
{
    private readonly Dictionary<string, IFileGenerator> _byName = generators.ToDictionary(g => g.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToList();

    public IFileGenerator? Find(string name) => _byName.GetValueOrDefault(name);
}
