namespace PartUploader.Emulator;

/// <summary>A catalog served by the emulator, with its layers.</summary>
public sealed class EmulatorCatalog
{
    /// <summary>Gets or sets the catalog HRN, for example <c>hrn:here:data::emulator:demo</c>.</summary>
    /// <value>The default value is <see cref="BlobEmulatorOptions.DemoCatalogHrn"/>.</value>
    public string Hrn { get; set; } = BlobEmulatorOptions.DemoCatalogHrn;

    /// <summary>Gets or sets the layers of the catalog.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<EmulatorLayer> Layers { get; set; } = [];
}
