namespace SystemImage.Core.Images.Parts;

/// <summary>The outcome of <see cref="PartPreparer.PrepareAsync"/>: the prepared part, or why the input was refused.</summary>
/// <param name="Part">The prepared part; null when the input was refused.</param>
/// <param name="Error">One line saying why the input was refused; null on success.</param>
public sealed record PartResult(PreparedPart? Part, string? Error);
