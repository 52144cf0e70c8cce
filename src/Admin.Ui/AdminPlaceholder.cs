namespace SystemImage.Admin.Ui;

/// <summary>Marker type used to locate the Admin UI assembly (pages arrive with the UI issue).</summary>
public static class AdminUiAssembly;
