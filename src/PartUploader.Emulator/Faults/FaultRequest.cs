namespace PartUploader.Emulator;

/// <summary>What a fault rule is matched against.</summary>
internal readonly record struct FaultRequest(EmulatorOperation Operation, int? PartNumber, string? UploadId, string? DataHandle);
