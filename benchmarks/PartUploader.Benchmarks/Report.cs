using System.Text;
using static System.FormattableString;

namespace PartUploader.Benchmarks;

internal static class Report
{
    private static readonly string[] s_headers =
    [
        "scenario", "case", "size", "parts", "MB/s", "min-max", "x raw", "x naive", "x cap", "CPU s/GB", "JIT s/GB", "server s/GB", "cores", "alloc/MiB", "LOH/MiB", "peak RSS", "start RSS", "budget", "over budget",
    ];

    /// <summary>Prints the summaries as a Markdown table (readable in a terminal, pasteable into the README).</summary>
    public static void PrintTable(IReadOnlyList<CaseSummary> summaries)
    {
        var rows = new List<string[]> { s_headers };
        foreach (CaseSummary s in summaries)
        {
            if (s.Error is not null)
            {
                rows.Add([s.Scenario, s.Case, Runner.FormatBytes(s.Bytes), "", "FAILED", s.Error.Length > 60 ? s.Error[..60] : s.Error, "", "", "", "", "", "", "", "", "", "", "", "", ""]);
                continue;
            }

            rows.Add(
            [
                s.Scenario,
                s.Case,
                Runner.FormatBytes(s.Bytes),
                Invariant($"{s.Parts}"),
                Invariant($"{s.MegabytesPerSecond:F0}"),
                Invariant($"{s.MinMegabytesPerSecond:F0}-{s.MaxMegabytesPerSecond:F0}"),
                Ratio(s.RatioVsRaw),
                Ratio(s.RatioVsNaive),
                Ratio(s.RatioVsCap),
                Invariant($"{s.CpuSecondsPerGB:F2}"),
                Invariant($"{s.JitSecondsPerGB:F2}"),
                s.ServerCpuSecondsPerGB is double server ? Invariant($"{server:F2}") : "-",
                s.CoresBusy is double cores ? Invariant($"{cores:F2}") : "-",
                Size(s.AllocatedBytesPerMiB),
                Size(s.LohBytesPerMiB),
                Invariant($"{s.PeakRssBytes / (double)Runner.MiB:F0} MiB"),
                Invariant($"{s.RssAtStartBytes / (double)Runner.MiB:F0} MiB"),
                s.BudgetBytes > 0 ? Invariant($"{s.BudgetBytes / Runner.MiB} MiB") : "-",
                s.BudgetBytes > 0 ? Invariant($"{s.PeakRssOverBudgetBytes / (double)Runner.MiB:F0} MiB") : "-",
            ]);
        }

        int[] widths = new int[s_headers.Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            text.Append('|');
            for (int i = 0; i < widths.Length; i++)
            {
                string cell = rows[r][i];
                bool right = r > 0 && i >= 2;
                text.Append(' ').Append(right ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])).Append(" |");
            }

            text.Append('\n');
            if (r == 0)
            {
                text.Append('|');
                for (int i = 0; i < widths.Length; i++)
                {
                    text.Append(i >= 2 ? new string('-', widths[i] + 1) + ":|" : new string('-', widths[i] + 2) + "|");
                }

                text.Append('\n');
            }
        }

        Console.Write(text.ToString());

        foreach (CaseSummary s in summaries.Where(s => s.Scenario == "parts10k" && s.Error is null))
        {
            Console.WriteLine(Invariant($"parts10k: {s.Parts} parts, part numbers unique (client: {s.PartNumbersUnique}, emulator: {s.ServerPartNumbersUnique}), {s.WallMicrosecondsPerPart / 1000:F2} ms wall and {s.CpuMicrosecondsPerPart:F0} us client CPU per part."));
        }
    }

    private static string Ratio(double? value) => value is double v ? Invariant($"{v:F2}") : "-";

    private static string Size(double bytes) =>
        bytes >= 1024 * 1024 ? Invariant($"{bytes / (1024 * 1024):F2} MiB")
        : bytes >= 1024 ? Invariant($"{bytes / 1024:F1} KiB")
        : Invariant($"{bytes:F0} B");
}
