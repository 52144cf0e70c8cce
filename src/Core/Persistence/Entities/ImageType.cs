namespace SystemImage.Core.Persistence.Entities;

public enum ImageType
{
    Full = 0,
    Delta = 1,
}
