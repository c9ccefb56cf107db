using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>
/// The CLI as a new user tries it: every message says what is true of the folder and the command line it was
/// given, with the real process over real folders and the tiny model.
/// </summary>
public sealed partial class CliTruthfulnessTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly string _work = Directory.CreateTempSubdirectory("semsearch-truth-").FullName;

    public void Dispose()
    {
        _repo.Dispose();
        TestFolders.Delete(_work);
    }

    private static string[] WithModel(params string[] args) => [.. args, "--model", TinyModel.ColbertFolder, "--provider", "cpu"];

    [Fact]
    public void TinyRandomModel_a_folder_with_nothing_to_index_says_so_and_is_left_without_an_index_folder()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName;
        var search = CliProcess.Run(WithModel("search", empty, "parse a date"));
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Equal($"Nothing to search in {empty}: it holds no file to index. No index was created.", search.Stdout.Trim());
        var index = CliProcess.Run(WithModel("index", empty));
        Assert.True(index.ExitCode == 0, index.ToString());
        Assert.Equal($"Nothing to index in {empty}: it holds no file to index. No index was created.", index.Stdout.Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));

        // Only files the scanner leaves out: said with the reasons, and still nothing written.
        var images = Directory.CreateDirectory(Path.Combine(_work, "images")).FullName;
        File.WriteAllBytes(Path.Combine(images, "logo.png"), [0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
        var onlyImages = CliProcess.Run(WithModel("search", images, "parse a date"));
        Assert.True(onlyImages.ExitCode == 0, onlyImages.ToString());
        Assert.Contains("it holds no file to index (skipped: 1 (1 binary))", onlyImages.Stdout);
        Assert.Equal([Path.Combine(images, "logo.png")], Directory.EnumerateFileSystemEntries(images));

        // Files to index but no index, and --no-update: nothing to search yet, said so, and still nothing written.
        var notIndexed = CliProcess.Run(WithModel("search", _repo.Root, "parse a date", "--no-update"));
        Assert.Equal(1, notIndexed.ExitCode);
        Assert.Contains($"{_repo.Root} has no index yet", notIndexed.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".semantic-search")));
    }

    [Fact]
    public void TinyRandomModel_an_unknown_language_is_a_usage_error_with_the_nearest_id_and_case_does_not_matter()
    {
        var typo = CliProcess.Run(WithModel("search", _repo.Root, "resize an image", "--lang", "pyhton"));
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("--lang pyhton is not a language id. Did you mean python?", typo.Stderr);
        Assert.Empty(typo.Stdout);
        // Checked before any work: the typo did not index the workspace.
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".semantic-search")));

        var unknown = CliProcess.Run(WithModel("search", _repo.Root, "resize an image", "--lang", "go,cobol"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--lang cobol is not a language id. The ids: c, cpp, csharp,", unknown.Stderr);

        var capitalized = CliProcess.Run(WithModel("search", _repo.Root, "resize an image", "--lang", "Python", "--json"));
        Assert.True(capitalized.ExitCode == 0, capitalized.ToString());
        using var doc = JsonDocument.Parse(capitalized.Stdout);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal("python", r.GetProperty("language").GetString()));
    }

    [Fact]
    public void A_file_given_as_the_workspace_folder_is_named_a_file()
    {
        var file = _repo.PathOf("src/Mail/EmailValidator.cs");
        foreach (var command in new[] { "index", "search", "status" })
        {
            var run = CliProcess.Run(WithModel(command == "search" ? [command, file, "email"] : [command, file]));
            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"{file} is a file, not a folder: give the workspace folder ({Path.GetDirectoryName(file)} holds it).", run.Stderr);
            Assert.DoesNotContain("not found", run.Stderr);
        }
    }

    [Fact]
    public void TinyRandomModel_plain_search_output_shows_the_words_that_matched()
    {
        var search = CliProcess.Run(WithModel("search", _repo.Root, "fetch the url with a retry", "-k", "1", "--quiet"));
        Assert.True(search.ExitCode == 0, search.ToString());
        var lines = search.Stdout.Split('\n');
        Assert.Contains("fetchWithRetry", lines[0]);
        // The line under the hit's header, before its snippet: the words of the chunk that answered the query.
        Assert.StartsWith("      matched: ", lines[1]);
        var words = lines[1]["      matched: ".Length..].Split(", ").Select(w => w.Split(' ')[0].ToLowerInvariant()).ToList();
        Assert.Contains("fetch", words);
        Assert.Contains("url", words);
        Assert.Contains("retry", words);
        Assert.Equal(words.Count, words.Distinct().Count()); // each word once, wherever else in the chunk it occurs
    }

    [Fact]
    public void TinyRandomModel_index_and_status_count_indexed_and_skipped_files_alike_on_every_run()
    {
        for (var run = 1; run <= 2; run++)
        {
            // The first run reads every file; the second reads none (nothing changed) and must still count the
            // files left out for their content (web/dist/bundle.js, minified) as the first did.
            var index = CliProcess.Run(WithModel("index", _repo.Root));
            Assert.True(index.ExitCode == 0, index.ToString());
            var status = CliProcess.Run("status", _repo.Root);
            Assert.True(status.ExitCode == 0, status.ToString());
            var indexed = IndexFilesLine().Match(index.Stdout);
            var reported = StatusFilesLine().Match(status.Stdout);
            Assert.True(indexed.Success, index.Stdout);
            Assert.True(reported.Success, status.Stdout);
            Assert.Equal((indexed.Groups[1].Value, indexed.Groups[2].Value), (reported.Groups[1].Value, reported.Groups[2].Value));
            Assert.Contains("web/dist/bundle.js: minified", index.Stdout);

            var indexJson = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
            var statusJson = CliProcess.Run("status", _repo.Root, "--json");
            using var i = JsonDocument.Parse(indexJson.Stdout);
            using var s = JsonDocument.Parse(statusJson.Stdout);
            Assert.Equal(s.RootElement.GetProperty("filesIndexed").GetInt32(), i.RootElement.GetProperty("filesIndexed").GetInt32());
            Assert.Equal(int.Parse(indexed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), i.RootElement.GetProperty("filesIndexed").GetInt32());
        }
    }

    [Fact]
    public void TinyRandomModel_control_characters_in_names_are_printed_as_escapes()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows file names cannot hold control characters.
        }
        _repo.Write("src/odd\nname.py", "def parse_invoice_total(text):\n    \"\"\"Read the total amount from an invoice.\"\"\"\n    return float(text)\n");
        _repo.Write("docs/Escape.md", "# Invoice \u001b[31mtotals\u001b[0m\n\nHow the invoice total amount is read.\n");
        File.WriteAllBytes(_repo.PathOf("assets/bad\rname.png"), [0x89, 0x50, 0x4e, 0x47]);

        var index = CliProcess.Run(WithModel("index", _repo.Root));
        Assert.True(index.ExitCode == 0, index.ToString());
        Assert.Contains("    assets/bad\\rname.png: binary", index.Stdout);
        var search = CliProcess.Run(WithModel("search", _repo.Root, "read the invoice total amount", "-k", "50", "--quiet"));
        Assert.True(search.ExitCode == 0, search.ToString());
        Assert.Contains("src/odd\\nname.py:1", search.Stdout);
        Assert.Contains("Invoice \\u001b[31mtotals\\u001b[0m", search.Stdout);
        foreach (var output in new[] { index.Stdout, search.Stdout })
        {
            Assert.DoesNotContain('\u001b', output);
            Assert.DoesNotContain('\r', output);
            Assert.DoesNotContain(output.Split('\n'), l => l.StartsWith("name.py", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TinyRandomModel_results_are_named_never_empty_and_never_doubled()
    {
        // Polly's docs and a script with module-level code: what each result line calls its chunk.
        var folder = Directory.CreateDirectory(Path.Combine(_work, "named")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "scripts"));
        Directory.CreateDirectory(Path.Combine(folder, "docs"));
        File.WriteAllText(Path.Combine(folder, "scripts", "build_report.py"),
            "import sys\nimport json\n\nconfig = json.load(open(sys.argv[1]))\ntotals = {k: sum(v) for k, v in config.items()}\n" +
            "for name, total in sorted(totals.items()):\n    print(name, total)\n\n\ndef helper(x):\n    return x * 2\n");
        File.WriteAllText(Path.Combine(folder, "docs", "pooling.md"),
            "# Ensuring Object Creation\n\nObjects are created through the factory so that pooled instances are reused.\n\n" +
            "```csharp\nvar widget = WidgetFactory.Create(options);\nwidget.Start();\n```\n\n## Pooling\n\nPooled instances are returned with `Release`.\n");

        var search = CliProcess.Run(WithModel("search", folder, "create a pooled object", "-k", "50", "--quiet"));
        Assert.True(search.ExitCode == 0, search.ToString());
        var results = search.Stdout.Split('\n').Where(l => ResultLine().IsMatch(l)).ToList();
        Assert.Equal(5, results.Count); // the module code, helper, two sections, the code block
        Assert.Contains(results, l => l.EndsWith("  scripts/build_report.py:1  build_report.py (toplevel)", StringComparison.Ordinal));
        Assert.Contains(results, l => l.EndsWith("  docs/pooling.md:6  Ensuring Object Creation (codeblock)", StringComparison.Ordinal));
        Assert.Contains(results, l => l.EndsWith("  docs/pooling.md:10  Ensuring Object Creation > Pooling (section)", StringComparison.Ordinal));
        Assert.DoesNotContain(results, l => EmptyName().IsMatch(l));
    }

    [GeneratedRegex(@"^  files: (\d+) indexed, (\d+) skipped$", RegexOptions.Multiline)]
    private static partial Regex IndexFilesLine();

    [GeneratedRegex(@"^Files: +(\d+) indexed, (\d+) skipped$", RegexOptions.Multiline)]
    private static partial Regex StatusFilesLine();

    [GeneratedRegex(@"^ ?\d+\. -?\d+\.\d{3}  \S+:\d+  ")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@":\d+  \(")]
    private static partial Regex EmptyName();
}
