namespace PartUploader.Emulator;

/// <summary>A layer of an emulated catalog.</summary>
public sealed class EmulatorLayer
{
    /// <summary>Gets or sets the layer ID used in blob paths.</summary>
    /// <value>The default value is <c>"versioned"</c>.</value>
    public string Id { get; set; } = "versioned";

    /// <summary>Gets or sets the content type every upload to the layer must declare.</summary>
    /// <value>The default value is <c>"application/octet-stream"</c>.</value>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Gets or sets the layer's content encoding (for example <c>gzip</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContentEncoding { get; set; }

    /// <summary>Gets or sets the layer type; DELETE is allowed on <see cref="EmulatorLayerType.Index"/> layers only.</summary>
    /// <value>The default value is <see cref="EmulatorLayerType.Versioned"/>.</value>
    public EmulatorLayerType LayerType { get; set; } = EmulatorLayerType.Versioned;
}
