using System.Text.Json;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>
/// Issue #18, point 4, as a user meets it: <c>semsearch index</c> and <c>search</c>, real processes, on a hostile
/// workspace made by the test (a named pipe, links to a device and to a secret outside, a broken ignore pattern in a
/// nested folder, a path longer than a LiteDB key).
/// </summary>
public sealed class HostileWorkspaceCliTests : IDisposable
{
    private const string SecretWord = "zanzibarquokkapassphrase";

    private readonly HostileWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private static string[] WithModel(params string[] args) => [.. args, "--model", TinyModel.ColbertFolder, "--provider", "cpu"];

    [Fact]
    public void Index_and_search_finish_report_what_was_skipped_and_never_show_outside_files()
    {
        _ws.File("src/Greeter.cs", "public static class Greeter\n{\n    public static string Hello(string name) => name;\n}\n");
        _ws.Fifo("src/Pipe.cs");
        _ws.Link("src/Zero.cs", "/dev/zero");
        _ws.Link("secret.txt", _ws.OutsideFile("secret.txt", $"password: {SecretWord}\n"));
        _ws.File("nested/deeper/.gitignore", "[z-a]\n*.tmp\n");
        _ws.File("nested/deeper/x.tmp", "scratch");
        var longPath = HostileWorkspace.LongPath(1_100, "Quokka.cs");
        _ws.File(longPath, "public static class Quokka\n{\n    public static int Hop() => 1;\n}\n");

        // A hang (the pipe) or a read without end (the device) would time out here.
        var index = CliProcess.Run(WithModel("index", _ws.Root, "--json"), null, timeoutSeconds: 120);

        Assert.True(index.ExitCode == 0, index.ToString());
        using (var report = JsonDocument.Parse(index.Stdout))
        {
            Assert.Equal(3, report.RootElement.GetProperty("filesAdded").GetInt32()); // Greeter, Quokka, the nested .gitignore
            var skipped = report.RootElement.GetProperty("skipped").EnumerateArray()
                .ToDictionary(s => s.GetProperty("path").GetString()!, s => s.GetProperty("reason").GetString());
            Assert.Equal("SpecialFile", skipped["src/Pipe.cs"]);
            Assert.Equal("OutsideWorkspace", skipped["src/Zero.cs"]);
            Assert.Equal("OutsideWorkspace", skipped["secret.txt"]);
            Assert.Equal("InvalidPattern", skipped["nested/deeper/.gitignore"]);
            Assert.Equal("GitIgnored", skipped["nested/deeper/x.tmp"]);
        }

        var search = CliProcess.Run(WithModel("search", _ws.Root, $"{SecretWord} Quokka Hop", "-k", "20", "--json"), null, timeoutSeconds: 120);
        Assert.True(search.ExitCode == 0, search.ToString());
        using var results = JsonDocument.Parse(search.Stdout);
        var hits = results.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Contains(longPath, hits.Select(r => r.GetProperty("path").GetString()));
        Assert.DoesNotContain(hits, r => r.GetProperty("snippet").GetString()!.Contains(SecretWord, StringComparison.Ordinal));

        // The plain summary names the reasons too.
        var again = CliProcess.Run(WithModel("index", _ws.Root), null, timeoutSeconds: 120);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("src/Pipe.cs: specialfile", again.Stdout);
        Assert.Contains("nested/deeper/.gitignore: invalidpattern (line 1", again.Stdout);
    }
}
