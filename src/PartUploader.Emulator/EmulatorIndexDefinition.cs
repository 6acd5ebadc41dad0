namespace PartUploader.Emulator;

/// <summary>One index definition of an index layer: a field every index record carries (spec publish-v2 10.2, P32).</summary>
public sealed class EmulatorIndexDefinition
{
    /// <summary>Gets or sets the field name.</summary>
    /// <value>The default value is an empty string.</value>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the field type: <c>bool</c>, <c>int</c>, <c>string</c>, <c>heretile</c> or <c>timewindow</c>.</summary>
    /// <value>The default value is <c>"string"</c>.</value>
    public string Type { get; set; } = "string";

    /// <summary>Gets or sets the window of a <c>timewindow</c> field in milliseconds (10 minutes to 1 day), else <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? Duration { get; set; }

    /// <summary>Gets or sets the zoom level of a <c>heretile</c> field (0 to 14), else <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? ZoomLevel { get; set; }
}
