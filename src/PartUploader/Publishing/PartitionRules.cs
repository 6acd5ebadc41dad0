using System.Numerics;

namespace PartUploader.Internal.Publishing;

/// <summary>
/// Partition ids checked before any request: a full match of <c>[A-Za-z0-9_.:-]{1,500}</c> (P23), a decimal tile id
/// at one of the layer's tile levels on heretile layers (P31), and no id twice.
/// </summary>
internal static class PartitionRules
{
    /// <summary>The longest partition id (publish spec 1.2).</summary>
    public const int MaxPartitionIdLength = 500;

    public static void Validate(IReadOnlyList<PublishItem> items, LayerSettings layer, string parameterName, bool strictCharacters = true, bool checkTileLevels = true)
    {
        var problems = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (PublishItem item in items)
        {
            string? problem = Check(item.PartitionId, layer, strictCharacters, checkTileLevels);
            if (problem is not null)
            {
                problems.Add($"'{item.Source}' -> '{Shorten(item.PartitionId)}': {problem}");
            }
            else if (!seen.TryAdd(item.PartitionId, item.Source))
            {
                problems.Add($"'{seen[item.PartitionId]}' and '{item.Source}' both map to the partition '{item.PartitionId}'");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"{problems.Count} partition id(s) cannot be published; nothing was uploaded and no partition was added: {string.Join("; ", problems.Take(20))}", parameterName);
        }
    }

    /// <summary>Why the id cannot be published to the layer, or null when it can.</summary>
    /// <param name="partitionId">The id.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="strictCharacters">True for the spec's character rule (P23 default); false for any printable id.</param>
    /// <param name="checkTileLevels">True to check a tile id's level against the layer's levels (P31 default).</param>
    public static string? Check(string partitionId, LayerSettings layer, bool strictCharacters = true, bool checkTileLevels = true)
    {
        if (partitionId.Length is 0 or > MaxPartitionIdLength)
        {
            return $"a partition id has 1 to {MaxPartitionIdLength} characters";
        }

        foreach (char c in partitionId)
        {
            if (strictCharacters ? !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-') : char.IsControl(c))
            {
                return strictCharacters ? "a partition id has only the characters A-Z a-z 0-9 _ . : -" : "a partition id has no control characters";
            }
        }

        if (layer.Heretile)
        {
            if (partitionId[0] == '0' || !ulong.TryParse(partitionId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong tile) || tile == 0)
            {
                return "the layer is partitioned by HERE tiles: a partition id is a decimal tile id without leading zeros";
            }

            long level = (64 - BitOperations.LeadingZeroCount(tile) - 1) / 2;
            if (checkTileLevels && layer.TileLevels.Count > 0 && !layer.TileLevels.Contains(level))
            {
                return $"the tile is at level {level}; the layer holds levels {string.Join(", ", layer.TileLevels)}";
            }
        }

        return null;
    }

    private static string Shorten(string id) => id.Length > 60 ? id[..60] + "…" : id;
}
