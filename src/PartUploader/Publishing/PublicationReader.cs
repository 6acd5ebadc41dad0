using System.Globalization;
using System.Text;
using PartUploader.Internal.Protocol.Publishing;

namespace PartUploader.Internal.Publishing;

/// <summary>Reads published metadata back: the latest catalog version, a layer's partitions at a version (paged), partitions by id.</summary>
internal sealed class PublicationReader(PublishingServices services)
{
    /// <summary>The most partition ids one query request names (publish spec 4).</summary>
    public const int MaxIdsPerQuery = 100;

    private const string AdditionalFields = "dataSize,checksum,compressedDataSize,crc";

    public async Task<long?> GetLatestVersionAsync(CancellationToken cancellationToken)
    {
        ServiceEndpoint endpoint = await services.MetadataAsync(cancellationToken).ConfigureAwait(false);
        return await services.Runner.ExecuteAsync(
            PublishingProtocol.OpLatestVersion,
            token => services.Protocol.GetLatestVersionAsync(endpoint, services.BillingTag, token),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PartitionMetadata>> GetPartitionsAsync(string layerId, long version, CancellationToken cancellationToken)
    {
        ServiceEndpoint endpoint = await services.MetadataAsync(cancellationToken).ConfigureAwait(false);
        Uri? url = WithQuery(endpoint.Url("layers", layerId, "partitions"), version, ids: []);
        var partitions = new List<PartitionMetadata>();
        var seen = new HashSet<Uri>();
        while (url is not null)
        {
            if (!seen.Add(url))
            {
                throw PublishingErrors.Ended(PartUploadErrorCodes.MalformedResponse, "The metadata service's next link repeats an earlier page", "-", null, null, PublishingProtocol.OpGetPartitions);
            }

            Uri page = url;
            PartitionsPageWire answer = await services.Runner.ExecuteAsync(
                PublishingProtocol.OpGetPartitions,
                token => services.Protocol.GetPartitionsPageAsync(endpoint, page, PublishingProtocol.OpGetPartitions, token),
                cancellationToken).ConfigureAwait(false);
            partitions.AddRange(Convert(answer));
            url = string.IsNullOrEmpty(answer.Next) ? null : endpoint.ResolveNext(answer.Next)
                ?? throw PublishingErrors.Ended(PartUploadErrorCodes.UntrustedHost, "The metadata service's next link points at another host; it was not followed", "-", null, null, PublishingProtocol.OpGetPartitions);
        }

        return partitions;
    }

    public async Task<IReadOnlyList<PartitionMetadata>> QueryAsync(string layerId, IReadOnlyList<string> partitionIds, long version, CancellationToken cancellationToken)
    {
        ServiceEndpoint endpoint = await services.QueryAsync(cancellationToken).ConfigureAwait(false);
        var partitions = new List<PartitionMetadata>(partitionIds.Count);
        foreach (IReadOnlyList<string> chunk in Chunks(partitionIds))
        {
            Uri url = WithQuery(endpoint.Url("layers", layerId, "partitions"), version, chunk);
            PartitionsPageWire answer = await services.Runner.ExecuteAsync(
                PublishingProtocol.OpQueryPartitions,
                token => services.Protocol.GetPartitionsPageAsync(endpoint, url, PublishingProtocol.OpQueryPartitions, token),
                cancellationToken).ConfigureAwait(false);
            partitions.AddRange(Convert(answer));
        }

        return partitions;
    }

    /// <summary>The most characters of escaped partition ids one query URL carries (URLs beyond about 8 KB are refused by many servers).</summary>
    private const int MaxIdCharsPerQuery = 6000;

    /// <summary>Groups of at most 100 ids whose escaped length stays under <see cref="MaxIdCharsPerQuery"/> (ids are up to 500 characters).</summary>
    internal static IEnumerable<IReadOnlyList<string>> Chunks(IReadOnlyList<string> ids)
    {
        var chunk = new List<string>(MaxIdsPerQuery);
        int chars = 0;
        foreach (string id in ids)
        {
            int length = Uri.EscapeDataString(id).Length + "partition=&".Length;
            if (chunk.Count > 0 && (chunk.Count == MaxIdsPerQuery || chars + length > MaxIdCharsPerQuery))
            {
                yield return chunk;
                chunk = new List<string>(MaxIdsPerQuery);
                chars = 0;
            }

            chunk.Add(id);
            chars += length;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private Uri WithQuery(Uri url, long version, IReadOnlyList<string> ids)
    {
        var query = new StringBuilder("?");
        foreach (string id in ids)
        {
            query.Append("partition=").Append(Uri.EscapeDataString(id)).Append('&');
        }

        query.Append(CultureInfo.InvariantCulture, $"version={version}&additionalFields={Uri.EscapeDataString(AdditionalFields)}");
        if (services.BillingTag is not null)
        {
            query.Append("&billingTag=").Append(Uri.EscapeDataString(services.BillingTag));
        }

        return new Uri(url.AbsoluteUri + query, UriKind.Absolute);
    }

    private static IEnumerable<PartitionMetadata> Convert(PartitionsPageWire page) =>
        (page.Partitions ?? [])
            .Where(p => p is { Partition.Length: > 0 } && !string.IsNullOrEmpty(p.DataHandle)) // an empty handle marks a deleted partition
            .Select(p => new PartitionMetadata
            {
                PartitionId = p!.Partition!,
                Version = p.Version ?? -1,
                DataHandle = p.DataHandle!,
                DataSize = p.DataSize,
                CompressedDataSize = p.CompressedDataSize,
                Checksum = p.Checksum,
                Crc = p.Crc,
            });
}
