using System.Diagnostics;
using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Search;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>The semsearch command line, run as a real process over real folders with the tiny random-weight model.</summary>
public sealed class CliEndToEndTests : IDisposable
{
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string[] WithModel(params string[] args) => [.. args, "--model", TinyModel.ColbertFolder, "--provider", "cpu"];

    [Fact]
    public void TinyRandomModel_index_search_status_round_trip_with_json()
    {
        var index = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(index.ExitCode == 0, index.ToString());
        using (var report = JsonDocument.Parse(index.Stdout))
        {
            Assert.True(report.RootElement.GetProperty("chunksEncoded").GetInt32() > 15);
            Assert.Contains(report.RootElement.GetProperty("skipped").EnumerateArray(),
                s => s.GetProperty("path").GetString() == "assets/logo.png" && s.GetProperty("reason").GetString() == "Binary");
        }
        Assert.True(File.Exists(Path.Combine(_repo.Root, ".semantic-search", "index.db")));

        var search = CliProcess.Run(WithModel("search", _repo.Root, "validate an email address", "-k", "3", "--json"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using (var results = JsonDocument.Parse(search.Stdout))
        {
            var top = results.RootElement.GetProperty("results")[0];
            Assert.Equal("src/Mail/EmailValidator.cs", top.GetProperty("path").GetString());
            Assert.Equal("IsValidEmail", top.GetProperty("symbol").GetString());
            Assert.Equal("Acme.Mail.EmailValidator", top.GetProperty("container").GetString());
            Assert.Equal(3, results.RootElement.GetProperty("results").GetArrayLength());
            Assert.True(top.GetProperty("range").GetProperty("startLine").GetInt32() > 1);
            Assert.NotEmpty(top.GetProperty("matches").EnumerateArray());
            // Nothing changed since indexing, so the implicit update encoded nothing.
            Assert.Equal(0, results.RootElement.GetProperty("indexUpdate").GetProperty("chunksEncoded").GetInt32());
        }

        var human = CliProcess.Run(WithModel("search", _repo.Root, "least recently used cache", "-k", "2", "--lang", "go"));
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.StartsWith(" 1. ", human.Stdout);
        Assert.Contains("services/cache/lru.go:", human.Stdout);

        var status = CliProcess.Run("status", _repo.Root, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var doc = JsonDocument.Parse(status.Stdout);
        Assert.True(doc.RootElement.GetProperty("indexed").GetBoolean());
        Assert.Equal(0, doc.RootElement.GetProperty("staleFiles").GetInt32());
        Assert.StartsWith("tiny-random-colbert", doc.RootElement.GetProperty("info").GetProperty("modelName").GetString());
    }

    [Fact]
    public void TinyRandomModel_search_leaves_out_excluded_paths_and_tests_without_touching_the_index()
    {
        _repo.Write("tests/Mail/EmailValidatorTests.cs",
            "namespace Acme.Mail.Tests;\npublic sealed class EmailValidatorTests\n{\n" +
            "    /// <summary>A valid email address is accepted.</summary>\n    public void Validate_email_address() => EmailValidator.IsValidEmail(\"a@b.co\");\n}\n");
        var index = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(index.ExitCode == 0, index.ToString());

        List<string> Paths(params string[] options)
        {
            var search = CliProcess.Run(WithModel(["search", _repo.Root, "validate an email address", "-k", "30", "--json", .. options]));
            Assert.True(search.ExitCode == 0, search.ToString());
            using var doc = JsonDocument.Parse(search.Stdout);
            // The filters only narrow the results: the update before the search finds nothing to change.
            Assert.Equal(0, doc.RootElement.GetProperty("indexUpdate").GetProperty("filesChanged").GetInt32());
            return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).Distinct()];
        }

        var all = Paths();
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", all);
        Assert.Contains(all, p => p.StartsWith("web/", StringComparison.Ordinal));
        var noTests = Paths("--no-tests");
        Assert.DoesNotContain("tests/Mail/EmailValidatorTests.cs", noTests);
        Assert.Contains("src/Mail/EmailValidator.cs", noTests);
        var narrowed = Paths("--exclude-path", "web/**", "--exclude-path=*.py", "--no-tests");
        Assert.NotEmpty(narrowed);
        Assert.DoesNotContain(narrowed, p => p.StartsWith("web/", StringComparison.Ordinal) || p.EndsWith(".py", StringComparison.Ordinal)
            || p.StartsWith("tests/", StringComparison.Ordinal));
        // Still all there for an unfiltered search: --exclude-path never kept anything out of the index.
        Assert.Equal(all, Paths());

        var badGlob = CliProcess.Run(WithModel("search", _repo.Root, "email", "--exclude-path", "src/[z-a]*"));
        Assert.Equal(2, badGlob.ExitCode);
        Assert.Contains("--exclude-path: 'src/[z-a]*' is not a valid path glob", badGlob.Stderr);
        Assert.DoesNotContain("Invalid pattern", badGlob.Stderr); // the regex parser's own wording
        var help = CliProcess.Run("--help");
        Assert.Contains("--exclude-path GLOB", help.Stdout);
        Assert.Contains("--no-tests", help.Stdout);
    }

    [Fact]
    public void Without_model_option_the_shipped_default_model_is_used()
    {
        var manifest = Path.Combine(RepoPaths.Root, "models", "default", "semsearch-model.json");
        using var expected = JsonDocument.Parse(File.ReadAllText(manifest));
        var index = CliProcess.Run("index", _repo.Root, "--json", "--provider", "cpu");
        Assert.True(index.ExitCode == 0, index.ToString());
        using var report = JsonDocument.Parse(index.Stdout);
        Assert.Equal(expected.RootElement.GetProperty("name").GetString(), report.RootElement.GetProperty("model").GetString());
        Assert.True(report.RootElement.GetProperty("chunksEncoded").GetInt32() > 15);
    }

    [Fact]
    public void Bad_input_gets_clear_errors_and_exit_codes()
    {
        var missingRoot = CliProcess.Run(WithModel("index", Path.Combine(_repo.Root, "nope")));
        Assert.Equal(1, missingRoot.ExitCode);
        Assert.Contains("Workspace folder not found", missingRoot.Stderr);

        // A copy of the CLI outside any checkout has no models/default above it: a clear error, not a crash.
        var lonely = Directory.CreateTempSubdirectory("semsearch-cli-copy-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
            {
                File.Copy(file, Path.Combine(lonely, Path.GetFileName(file)));
            }
            var runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
            foreach (var file in Directory.Exists(runtimes) ? Directory.GetFiles(runtimes, "*", SearchOption.AllDirectories) : [])
            {
                var target = Path.Combine(lonely, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var info = CliProcess.StartInfo(["index", _repo.Root]);
            info.ArgumentList[0] = Path.Combine(lonely, "semsearch.dll");
            using var process = System.Diagnostics.Process.Start(info)!;
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(1, process.ExitCode);
            Assert.Contains("No model found", stderr);
        }
        finally
        {
            TestFolders.Delete(lonely);
        }

        var missingModel = CliProcess.Run("index", _repo.Root, "--model", Path.Combine(_repo.Root, "no-such-model"));
        Assert.Equal(1, missingModel.ExitCode);
        Assert.Contains("no-such-model", missingModel.Stderr);

        var corruptModel = Path.Combine(_repo.Root, "broken-model");
        Directory.CreateDirectory(corruptModel);
        File.WriteAllText(Path.Combine(corruptModel, "semsearch-model.json"), "{ not json");
        var corrupt = CliProcess.Run("index", _repo.Root, "--model", corruptModel);
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("semsearch-model.json", corrupt.Stderr);

        Assert.Equal(2, CliProcess.Run("index", _repo.Root, "--frobnicate").ExitCode);
        Assert.Equal(2, CliProcess.Run("search", _repo.Root).ExitCode);
        Assert.Equal(2, CliProcess.Run("explode").ExitCode);
        var badK = CliProcess.Run(WithModel("search", _repo.Root, "x", "-k", "zero"));
        Assert.Equal(2, badK.ExitCode);
        Assert.Contains("-k", badK.Stderr);
    }

    [Fact]
    public void Every_command_answers_help_with_its_own_usage_and_the_options()
    {
        foreach (var (command, own) in new[] { ("index", "--rebuild"), ("search", "--exclude-path"), ("status", "what is indexed"), ("eval", "--queries"), ("bench", "--scale") })
        {
            foreach (var flag in new[] { "--help", "-h" })
            {
                var run = CliProcess.Run(command, flag);
                Assert.Equal(0, run.ExitCode);
                Assert.Contains($"semsearch {command} ", run.Stdout);
                Assert.Contains(own, run.Stdout);
                Assert.Contains("--model DIR", run.Stdout);
                Assert.Empty(run.Stderr);
            }
        }
        // With other arguments too, and nothing runs: no index appears.
        var withRoot = CliProcess.Run("index", _repo.Root, "--help");
        Assert.Equal(0, withRoot.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".semantic-search")));
        Assert.Equal(2, CliProcess.Run("explode", "--help").ExitCode);
    }

    [Fact]
    public void TinyRandomModel_a_file_that_is_not_an_index_is_refused_by_every_command_and_left_as_it_was()
    {
        var notes = Path.Combine(_repo.Root, "notes.txt");
        var text = "my notes: not an index\n" + new string('x', 30_000);
        File.WriteAllText(notes, text);
        foreach (var args in new[]
        {
            new[] { "status", _repo.Root, "--index", notes },
            ["search", _repo.Root, "email", "--no-update", "--index", notes],
            ["index", _repo.Root, "--index", notes],
            ["index", _repo.Root, "--rebuild", "--index", notes],
        })
        {
            var run = CliProcess.Run(WithModel(args));
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("is not a SemanticSearch index", run.Stderr);
            Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
            Assert.Equal(text, File.ReadAllText(notes));
            Assert.False(File.Exists(Path.Combine(_repo.Root, "notes-log.txt")), string.Join(' ', args));
        }
    }

    [Fact]
    public void TinyRandomModel_a_corrupt_index_is_reported_and_rebuild_recovers()
    {
        var indexFile = Path.Combine(_repo.Root, ".semantic-search", "index.db");
        Directory.CreateDirectory(Path.GetDirectoryName(indexFile)!);
        var garbage = new byte[32 * 1024];
        new Random(5).NextBytes(garbage);
        File.WriteAllBytes(indexFile, garbage);

        var broken = CliProcess.Run(WithModel("index", _repo.Root));
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("corrupt", broken.Stderr);
        Assert.Contains("--rebuild", broken.Stderr);
        Assert.Equal(garbage, File.ReadAllBytes(indexFile)); // Reporting loses nothing: the file is left for the user.

        var rebuilt = CliProcess.Run(WithModel("index", _repo.Root, "--rebuild"));
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        var search = CliProcess.Run(WithModel("search", _repo.Root, "sales tax on invoice lines", "-k", "1"));
        Assert.Contains("InvoiceCalculator.cs", search.Stdout);
    }

    /// <summary>Enough files that indexing is still running when the first committed group is reported.</summary>
    private void AddManyFiles()
    {
        for (var i = 0; i < 3000; i++)
        {
            _repo.Write($"gen/part{i / 100}/Module{i}.cs", $"namespace Gen;\n\n/// <summary>Generated module {i}.</summary>\npublic static class Module{i}\n{{\n" +
                $"    public static int Compute{i}(int value) => value * {i} + {i % 7};\n\n    public static string Describe{i}() => \"module {i}\";\n}}\n");
        }
    }

    private const int SigInt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr SetSignalHandler(int signal, IntPtr handler);

    /// <summary>
    /// A test run started as a background job of a script (`.ci/run &`) inherits SIGINT as ignored, passes that on
    /// to the CLI, and the CLI, like any program, keeps an inherited ignore. Give the children the default back
    /// (only when ignored: a handler the runtime installed is left alone).
    /// </summary>
    private static void UnignoreSigIntForChildren()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var ignored = ulong.Parse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        if ((ignored & (1UL << (SigInt - 1))) != 0)
        {
            SetSignalHandler(SigInt, IntPtr.Zero); // SIG_DFL
        }
    }

    /// <summary>Starts `semsearch index` and returns once it reports its first committed group.</summary>
    private Process StartIndexingAndWaitForFirstCommit(List<string> stderr)
    {
        var process = Process.Start(CliProcess.StartInfo(WithModel("index", _repo.Root, "--batch-size", "4")))!;
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync();
        while (process.StandardError.ReadLine() is { } line)
        {
            stderr.Add(line);
            if (line.StartsWith("indexing: ", StringComparison.Ordinal))
            {
                Assert.False(process.HasExited, "indexing finished before it could be interrupted; make the workspace larger");
                return process;
            }
        }
        Assert.Fail("the indexer never reported a committed group:\n" + string.Join('\n', stderr));
        return process;
    }

    [Fact]
    public void TinyRandomModel_ctrl_c_stops_cleanly_keeps_committed_work_and_the_next_run_resumes()
    {
        AddManyFiles();
        UnignoreSigIntForChildren();
        var stderr = new List<string>();
        using var process = StartIndexingAndWaitForFirstCommit(stderr);
        // Straight from this process (not a spawned `kill`, which a loaded machine can delay past the end of indexing).
        Assert.Equal(0, SendSignal(process.Id, SigInt));
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "semsearch did not stop after Ctrl-C");
        stderr.AddRange(process.StandardError.ReadToEnd().Split('\n'));
        Assert.Equal(130, process.ExitCode);
        Assert.Contains(stderr, l => l.Contains("committed work is kept", StringComparison.Ordinal));

        var resumed = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using var report = JsonDocument.Parse(resumed.Stdout);
        Assert.True(report.RootElement.GetProperty("filesUnchanged").GetInt32() > 0, "nothing committed before Ctrl-C was kept");
    }

    [Fact]
    public void TinyRandomModel_cache_option_keeps_the_index_out_of_the_workspace()
    {
        var cacheHome = Path.Combine(_repo.Root, "..", Path.GetFileName(_repo.Root) + "-cache");
        try
        {
            var env = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cacheHome };
            var index = CliProcess.Run(WithModel("index", _repo.Root, "--cache", "--quiet"), env);
            Assert.True(index.ExitCode == 0, index.ToString());
            Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".semantic-search")));
            var file = Assert.Single(Directory.GetFiles(Path.Combine(cacheHome, "semantic-search"), "index.db", SearchOption.AllDirectories));
            var status = CliProcess.Run(["status", _repo.Root, "--cache", "--json"], env);
            // Reported as a full path (the cache folder given here holds "..").
            Assert.Contains(Path.GetFullPath(file).Replace("\\", "\\\\", StringComparison.Ordinal), status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            // Never throws: when the index failed before making the cache folder, the assertion above is what shows.
            TestFolders.Delete(cacheHome);
        }
    }

    [Fact]
    public void TinyRandomModel_a_process_killed_mid_index_leaves_an_index_that_opens_and_resumes()
    {
        AddManyFiles();
        using var process = StartIndexingAndWaitForFirstCommit([]);
        process.Kill(entireProcessTree: true);
        process.WaitForExit();

        var status = CliProcess.Run("status", _repo.Root, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        int committedFiles;
        using (var doc = JsonDocument.Parse(status.Stdout))
        {
            committedFiles = doc.RootElement.GetProperty("filesIndexed").GetInt32();
            Assert.InRange(committedFiles, 1, 1500);
            // The killed pass never completed (null fields are left out of the JSON).
            Assert.False(doc.RootElement.GetProperty("info").TryGetProperty("lastCompletedUtc", out _));
        }

        var resumed = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using var report = JsonDocument.Parse(resumed.Stdout);
        var r = report.RootElement;
        Assert.True(r.GetProperty("filesUnchanged").GetInt32() >= committedFiles - 1, resumed.Stdout[..400]);
        Assert.Equal(r.GetProperty("chunksTotal").GetInt32(), r.GetProperty("chunksEncoded").GetInt32() + r.GetProperty("chunksReused").GetInt32() + CountChunksOfUnchanged(r));
        var search = CliProcess.Run(WithModel("search", _repo.Root, "describe module 1499", "-k", "3", "--json", "--no-update"));
        Assert.Contains("Module1499", search.Stdout);
    }

    [Fact]
    public void TinyRandomModel_why_it_matched_shows_whole_words_without_stop_words_and_explains_lexical_matches()
    {
        var search = CliProcess.Run(WithModel("search", _repo.Root, "fetch the url with a retry", "-k", "1", "--json"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using var doc = JsonDocument.Parse(search.Stdout);
        var top = doc.RootElement.GetProperty("results")[0];
        Assert.Equal("fetchWithRetry", top.GetProperty("symbol").GetString());
        var lines = File.ReadAllLines(_repo.PathOf("web/src/api/client.js"));
        var matches = top.GetProperty("matches").EnumerateArray().ToList();
        Assert.NotEmpty(matches);
        foreach (var m in matches)
        {
            var text = m.GetProperty("text").GetString()!;
            var line = lines[m.GetProperty("line").GetInt32() - 1];
            var column = m.GetProperty("column").GetInt32() - 1;
            // A whole word part at its place in the file: never a model sub-word such as "Re" of "Retry".
            Assert.Equal(text, line.Substring(column, m.GetProperty("length").GetInt32()));
            Assert.Equal((column, text.Length), CodeTerms.PartAt(line, column));
            Assert.DoesNotContain(m.GetProperty("queryToken").GetString()!.ToLowerInvariant(), new[] { "the", "with", "a" });
        }
        // The lexical side explains its words too: "Retry" of fetchWithRetry and "url" are query terms.
        Assert.Contains(matches, m => m.GetProperty("lexical").GetBoolean() && m.GetProperty("text").GetString() == "Retry");
        Assert.Contains(matches, m => m.GetProperty("lexical").GetBoolean() && m.GetProperty("text").GetString()!.Equals("url", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void TinyRandomModel_a_crash_while_writing_the_codes_file_heals_at_the_next_writers_open()
    {
        _repo.WriteCompressibleModules();
        var indexed = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(indexed.ExitCode == 0, indexed.ToString());
        using (var doc = JsonDocument.Parse(indexed.Stdout))
        {
            Assert.StartsWith("codes (2-bit residuals", doc.RootElement.GetProperty("vectors").GetString());
        }
        var codesFile = new IndexFiles(Path.Combine(_repo.Root, ".semantic-search", "index.db")).Codes;
        var generation = HeaderGeneration(codesFile);

        // The next commit's codes reach the file; the process dies before its header moves.
        _repo.Write("gen/zebra.py", "def zebra_quokka_total(values):\n    return sum(values)\n");
        var crashed = CliProcess.Run(WithModel("index", _repo.Root, "--json"), new Dictionary<string, string> { [IndexStore.FaultVariable] = CodesFile.FaultDuringCodesWrite });
        Assert.True(crashed.ExitCode != 0, crashed.ToString());
        Assert.Contains(CodesFile.FaultDuringCodesWrite, crashed.Stderr);
        Assert.Equal(generation, HeaderGeneration(codesFile));

        // The store has the commit; the codes file is behind it. A reader (search --no-update) never writes: it reads
        // the vectors from the store instead, and finds the new chunk.
        var search = CliProcess.Run(WithModel("search", _repo.Root, "zebra quokka total", "-k", "1", "--json", "--no-update"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using (var doc = JsonDocument.Parse(search.Stdout))
        {
            Assert.Equal("zebra_quokka_total", doc.RootElement.GetProperty("results")[0].GetProperty("symbol").GetString());
        }
        Assert.Equal(generation, HeaderGeneration(codesFile));

        // The next writer's open rewrites it (nothing re-encoded); the one after finds it current.
        var healed = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(healed.ExitCode == 0, healed.ToString());
        using (var doc = JsonDocument.Parse(healed.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("codesFileRebuilt").GetBoolean());
            Assert.Equal(0, doc.RootElement.GetProperty("chunksEncoded").GetInt32());
        }
        Assert.True(HeaderGeneration(codesFile) > generation);
        var again = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(again.ExitCode == 0, again.ToString());
        using var report = JsonDocument.Parse(again.Stdout);
        Assert.False(report.RootElement.GetProperty("codesFileRebuilt").GetBoolean());
        Assert.Equal(0, report.RootElement.GetProperty("chunksEncoded").GetInt32());
    }

    [Fact]
    public void TinyRandomModel_index_retrains_a_drifted_codec_in_a_new_index_that_takes_the_old_ones_place()
    {
        _repo.WriteCompressibleModules();
        var indexed = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(indexed.ExitCode == 0, indexed.ToString());
        using (var doc = JsonDocument.Parse(indexed.Stdout))
        {
            Assert.StartsWith("codes (2-bit residuals", doc.RootElement.GetProperty("vectors").GetString());
            // The pass that trained the codec is its reference: it advises nothing, and nothing is re-trained.
            Assert.False(doc.RootElement.GetProperty("codecDrift").GetProperty("retrainAdvised").GetBoolean());
            Assert.False(doc.RootElement.TryGetProperty("retrained", out _));
        }
        var files = new IndexFiles(Path.Combine(_repo.Root, ".semantic-search", "index.db"));
        IndexHeader.MakeCodecDrift(files.Database);

        // The finding on stderr, what was done in the report.
        var retrained = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(retrained.ExitCode == 0, retrained.ToString());
        Assert.Contains("fits the code written lately less well than the code it was built with (mean error 0.200 against 0.050", retrained.Stderr);
        Assert.Contains("Re-training it", retrained.Stderr);
        using (var doc = JsonDocument.Parse(retrained.Stdout))
        {
            var retraining = doc.RootElement.GetProperty("retrained");
            Assert.True(retraining.GetProperty("completed").GetBoolean());
            Assert.True(retraining.GetProperty("chunksEncoded").GetInt32() >= doc.RootElement.GetProperty("chunksTotal").GetInt32());
            Assert.StartsWith("The index's vector codec fits", retraining.GetProperty("because").GetString());
            Assert.StartsWith("codes (2-bit residuals", doc.RootElement.GetProperty("vectors").GetString());
            Assert.False(doc.RootElement.GetProperty("codecDrift").GetProperty("retrainAdvised").GetBoolean());
        }
        Assert.False(File.Exists(files.Replacement.Database));
        Assert.False(File.Exists(files.ReplacingMarker));

        var again = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(again.ExitCode == 0, again.ToString());
        using (var doc = JsonDocument.Parse(again.Stdout))
        {
            var drift = doc.RootElement.GetProperty("codecDrift");
            Assert.False(drift.GetProperty("retrainAdvised").GetBoolean());
            Assert.Equal(0, drift.GetProperty("samples").GetInt64());
            Assert.False(doc.RootElement.TryGetProperty("retrained", out _));
            Assert.Equal(0, doc.RootElement.GetProperty("chunksEncoded").GetInt32());
            Assert.False(doc.RootElement.GetProperty("codesFileRebuilt").GetBoolean());
        }
        var search = CliProcess.Run(WithModel("search", _repo.Root, "compute_7_3", "-k", "1", "--json", "--no-update"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using (var doc = JsonDocument.Parse(search.Stdout))
        {
            Assert.Equal("compute_7_3", doc.RootElement.GetProperty("results")[0].GetProperty("symbol").GetString());
        }
    }

    /// <summary>The store generation a codes file's header says it holds (bytes 32–39).</summary>
    private static long HeaderGeneration(string codesFile) =>
        System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(codesFile).AsSpan(32, 8));

    [Fact]
    public void TinyRandomModel_a_crash_between_the_vector_and_the_lexical_commit_is_repaired_from_stored_text_never_re_encoded()
    {
        // The process dies right after its first LiteDB commit, before the lexical index gets the same group.
        var crashed = CliProcess.Run(WithModel("index", _repo.Root, "--json"), new Dictionary<string, string> { [IndexStore.FaultVariable] = IndexStore.FaultAfterStoreCommit });
        Assert.True(crashed.ExitCode != 0, crashed.ToString());
        Assert.Contains(IndexStore.FaultAfterStoreCommit, crashed.Stderr);

        var status = CliProcess.Run("status", _repo.Root, "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        int committedFiles;
        using (var doc = JsonDocument.Parse(status.Stdout))
        {
            committedFiles = doc.RootElement.GetProperty("filesIndexed").GetInt32();
            Assert.True(committedFiles > 0, status.Stdout);
        }

        var repaired = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(repaired.ExitCode == 0, repaired.ToString());
        using var report = JsonDocument.Parse(repaired.Stdout);
        var r = report.RootElement;
        // Every committed file with chunks was behind on the lexical side; none of its chunks went through the model again.
        var repairedFiles = r.GetProperty("lexicalRepairedFiles").GetInt32();
        Assert.InRange(repairedFiles, 1, committedFiles);
        Assert.True(r.GetProperty("filesUnchanged").GetInt32() >= committedFiles, repaired.Stdout);
        Assert.Equal(r.GetProperty("chunksTotal").GetInt32(), r.GetProperty("lexicalChunks").GetInt32());
        Assert.Equal(r.GetProperty("chunksTotal").GetInt32(), r.GetProperty("chunksEncoded").GetInt32() + r.GetProperty("chunksReused").GetInt32() + CountChunksOfUnchanged(r));

        // The lexical side answers for the repaired files: an identifier query finds its definition lexically.
        var search = CliProcess.Run(WithModel("search", _repo.Root, "IsValidEmail", "-k", "1", "--json", "--no-update"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using var found = JsonDocument.Parse(search.Stdout);
        var top = found.RootElement.GetProperty("results")[0];
        Assert.Equal("IsValidEmail", top.GetProperty("symbol").GetString());
        Assert.True(top.GetProperty("lexicalScore").GetDouble() > 0, search.Stdout);

        // A second open finds nothing to repair.
        var again = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        using var second = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, second.RootElement.GetProperty("lexicalRepairedFiles").GetInt32());
    }

    /// <summary>Chunks of files the resumed pass did not touch: total minus what it encoded or reused.</summary>
    private static int CountChunksOfUnchanged(JsonElement report) =>
        report.GetProperty("chunksTotal").GetInt32() - report.GetProperty("chunksEncoded").GetInt32() - report.GetProperty("chunksReused").GetInt32();
}
