namespace PartUploader.Emulator.Internal;

/// <summary>Endpoint metadata: which operation a route serves and whether it needs a bearer token.</summary>
internal sealed record OperationMetadata(EmulatorOperation Operation, bool RequiresBearer);
