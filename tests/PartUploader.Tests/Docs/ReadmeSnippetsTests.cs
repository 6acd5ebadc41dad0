using System.Text.RegularExpressions;

namespace PartUploader.Tests.Docs;

/// <summary>Every C# block of README.md must be the same text as its region in samples/Snippets, which the build compiles.</summary>
public sealed partial class ReadmeSnippetsTests
{
    [Fact]
    public void Readme_EverySnippet_MatchesCompiledRegion()
    {
        string root = FindRepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        string code = string.Join("\n", Directory.GetFiles(Path.Combine(root, "samples", "Snippets"), "*.cs").Select(File.ReadAllText)).ReplaceLineEndings("\n");

        MatchCollection snippets = SnippetPattern().Matches(readme);

        snippets.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (Match snippet in snippets)
        {
            string name = snippet.Groups["name"].Value;
            Match region = Regex.Match(code, @"#region Snippet:" + Regex.Escape(name) + @"\n(?<body>.*?)\n\s*#endregion", RegexOptions.Singleline);
            region.Success.ShouldBeTrue($"README snippet '{name}' has no region in samples/Snippets");
            Dedent(region.Groups["body"].Value).ShouldBe(snippet.Groups["body"].Value.TrimEnd(), $"README snippet '{name}' differs from its compiled region");
        }
    }

    [Fact]
    public void Readme_EveryCSharpBlock_IsASnippet()
    {
        string readme = File.ReadAllText(Path.Combine(FindRepositoryRoot(), "README.md")).ReplaceLineEndings("\n");

        int csharpBlocks = Regex.Count(readme, "```csharp\n");

        csharpBlocks.ShouldBe(SnippetPattern().Count(readme), "every C# block must come from samples/Snippets");
    }

    private static string Dedent(string body)
    {
        string[] lines = body.Split('\n');
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PartUploader.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (PartUploader.sln) was not found above the test output.");
    }

    [GeneratedRegex(@"<!-- snippet: (?<name>\w+) -->\n```csharp\n(?<body>.*?)```\n<!-- endSnippet -->", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();
}
