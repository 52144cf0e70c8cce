namespace SystemImage.Core.Images.Parts;

/// <summary>Bad input found deep inside the streaming pipeline; <see cref="PartPreparer"/> turns it into <see cref="PartResult.Error"/>.</summary>
internal sealed class PartRefusedException(string message) : Exception(message);
