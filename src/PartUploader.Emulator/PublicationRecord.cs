namespace PartUploader.Emulator;

/// <summary>A snapshot of one publication (spec publish-v2 1.1-1.5).</summary>
public sealed class PublicationRecord
{
    /// <summary>The publication ID.</summary>
    public required string Id { get; init; }

    /// <summary>The catalog HRN.</summary>
    public required string CatalogHrn { get; init; }

    /// <summary>The layers named at init.</summary>
    public required IReadOnlyList<string> LayerIds { get; init; }

    /// <summary>The state: <c>initialized</c>, <c>submitted</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c> or <c>expired</c>.</summary>
    public required string State { get; init; }

    /// <summary>The state's message (the reason of a failure).</summary>
    public string? Message { get; init; }

    /// <summary>The catalog version when the publication was initialized (-1 before any).</summary>
    public required long CatalogVersion { get; init; }

    /// <summary>How many distinct partitions it holds (over all its layers).</summary>
    public required int PartitionCount { get; init; }

    /// <summary>When it was submitted, or <see langword="null"/>.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The catalog version it made, or <see langword="null"/> (not succeeded, or an empty publication that made none).</summary>
    public long? ResultVersion { get; init; }
}
