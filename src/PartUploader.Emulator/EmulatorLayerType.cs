namespace PartUploader.Emulator;

/// <summary>The type of an emulated layer.</summary>
public enum EmulatorLayerType
{
    /// <summary>A versioned layer (the default).</summary>
    Versioned = 0,

    /// <summary>An index layer; the only type on which blobs can be deleted.</summary>
    Index,

    /// <summary>A volatile layer.</summary>
    Volatile,

    /// <summary>A stream layer.</summary>
    Stream,

    /// <summary>An interactive map layer.</summary>
    Interactive,

    /// <summary>An object store layer.</summary>
    ObjectStore,
}
