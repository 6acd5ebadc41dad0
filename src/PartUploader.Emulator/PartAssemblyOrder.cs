namespace PartUploader.Emulator;

/// <summary>How a completed multipart upload is assembled (spec U2).</summary>
public enum PartAssemblyOrder
{
    /// <summary>In the order the complete call lists the parts (the default).</summary>
    ListOrder = 0,

    /// <summary>In ascending part-number order, whatever the list order.</summary>
    NumberOrder,
}
