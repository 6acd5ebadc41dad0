namespace PartUploader.Tests.Transfer;

/// <summary>Tests that rent from the process-wide segment cache run one class at a time, so reuse is observable.</summary>
[CollectionDefinition(Name)]
public sealed class SegmentCacheUsers
{
    public const string Name = "SegmentCacheUsers";
}
