namespace PartUploader.Cli.Reporting;

/// <summary>What an upload is about to do, for the reporters.</summary>
internal sealed record UploadInfo(string Source, string CatalogHrn, string LayerId, string DataHandle, long? TotalBytes, int ProcessId);
