namespace SystemImage.Core.Generators;

/// <summary>A generator's input is bad or unreachable; the message is one line fit for the import log.</summary>
public sealed class GeneratorException(string message, Exception? inner = null) : Exception(message, inner);
