namespace PartUploader.Emulator;

/// <summary>A snapshot of one publication (spec publish-v2 1.1-1.5).</summary>
/// <param name="Id">The publication ID.</param>
/// <param name="CatalogHrn">The catalog HRN.</param>
/// <param name="LayerIds">The layers named at init.</param>
/// <param name="State">The state: <c>initialized</c>, <c>submitted</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c> or <c>expired</c>.</param>
/// <param name="Message">The state's message (the reason of a failure).</param>
/// <param name="CatalogVersion">The catalog version when the publication was initialized (-1 before any).</param>
/// <param name="PartitionCount">How many distinct partitions it holds (over all its layers).</param>
/// <param name="SubmittedAt">When it was submitted, or <see langword="null"/>.</param>
/// <param name="ResultVersion">The catalog version it made, or <see langword="null"/> (not succeeded, or an empty publication that made none).</param>
public sealed record PublicationRecord(
    string Id,
    string CatalogHrn,
    IReadOnlyList<string> LayerIds,
    string State,
    string? Message,
    long CatalogVersion,
    int PartitionCount,
    DateTimeOffset? SubmittedAt,
    long? ResultVersion);
