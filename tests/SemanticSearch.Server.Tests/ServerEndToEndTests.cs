using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticSearch.TestSupport;
using StreamJsonRpc;

namespace SemanticSearch.Server.Tests;

/// <summary>The language server as an editor sees it: a real process spoken to over stdio.</summary>
public sealed class ServerEndToEndTests : IDisposable
{
    private readonly SampleRepo _repo = new();
    private readonly List<string> _tempDirs = [];

    public void Dispose()
    {
        _repo.Dispose();
        foreach (var dir in _tempDirs)
        {
            try
            {
                TestFolders.Delete(dir);
            }
            catch (IOException)
            {
                // The server may hold the index a moment longer; temp folders are cleaned later.
            }
        }
    }

    private string TempFolder(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        _tempDirs.Add(dir);
        return dir;
    }

    private static List<JsonElement> Results(JsonElement search) => search.GetProperty("results").EnumerateArray().ToList();

    [Fact]
    public async Task Initializes_indexes_with_progress_searches_records_feedback_and_exits_cleanly()
    {
        await using var client = LspClient.Start();
        var init = await client.InitializeAsync([_repo.Root]);
        Assert.True(init.GetProperty("capabilities").GetProperty("workspace").GetProperty("workspaceFolders").GetProperty("supported").GetBoolean());
        Assert.Equal(1, init.GetProperty("capabilities").GetProperty("experimental").GetProperty("semanticSearch").GetProperty("version").GetInt32());
        // Open/close notifications are wanted: a full pass indexes the open files first.
        Assert.True(init.GetProperty("capabilities").GetProperty("textDocumentSync").GetProperty("openClose").GetBoolean());

        var status = await client.WaitReadyAsync(1);
        var folder = status.GetProperty("folders")[0];
        Assert.Equal(LspClient.Uri(_repo.Root), folder.GetProperty("uri").GetString());
        Assert.True(folder.GetProperty("chunksIndexed").GetInt32() > 10);
        // Every file the scan found is indexed or, left out for its content (web/dist's bundle is minified), skipped.
        Assert.Equal(folder.GetProperty("filesKnown").GetInt32(), folder.GetProperty("filesIndexed").GetInt32() + folder.GetProperty("filesSkipped").GetInt32());
        Assert.Equal("cpu", folder.GetProperty("executionProvider").GetString());
        Assert.StartsWith("tiny-random", folder.GetProperty("model").GetString());
        // By default the index lives in the user cache (here the client's XDG_CACHE_HOME), nothing in the workspace.
        var indexPath = folder.GetProperty("indexPath").GetString()!;
        Assert.StartsWith(Path.Combine(client.CacheHome, "semantic-search") + Path.DirectorySeparatorChar, indexPath);
        Assert.False(Directory.Exists(Path.Combine(_repo.Root, ".semantic-search")));

        // Progress: a begin and an end on the same token, in that order.
        var progress = client.Progress.ToList();
        var kinds = progress.Select(p => p.GetProperty("value").GetProperty("kind").GetString()).ToList();
        Assert.Equal("begin", kinds.First());
        Assert.Equal("end", kinds.Last());
        Assert.Single(progress.Select(p => p.GetProperty("token").GetString()).Distinct());

        var search = await client.SearchAsync("validate an email address");
        var top = Results(search)[0];
        Assert.Equal("src/Mail/EmailValidator.cs", top.GetProperty("path").GetString());
        Assert.Equal("IsValidEmail", top.GetProperty("symbol").GetString());
        Assert.Equal(LspClient.Uri(_repo.PathOf("src/Mail/EmailValidator.cs")), top.GetProperty("uri").GetString());
        Assert.Equal("csharp", top.GetProperty("language").GetString());
        Assert.Equal("Acme.Mail.EmailValidator", top.GetProperty("container").GetString());
        Assert.Contains("IsValidEmail", top.GetProperty("snippet").GetString());
        Assert.True(top.GetProperty("score").GetSingle() > 0);
        Assert.True(search.GetProperty("coverage").GetProperty("complete").GetBoolean());
        Assert.Equal(1.0, search.GetProperty("coverage").GetProperty("ratio").GetDouble());

        // LSP ranges are 0-based with an exclusive end: the range starts on the line of the doc comment or signature.
        var lines = File.ReadAllLines(_repo.PathOf("src/Mail/EmailValidator.cs"));
        var range = top.GetProperty("range");
        var startLine = range.GetProperty("start").GetProperty("line").GetInt32();
        var endLine = range.GetProperty("end").GetProperty("line").GetInt32();
        Assert.InRange(startLine, 0, lines.Length - 1);
        Assert.Contains("IsValidEmail", string.Join('\n', lines[startLine..(endLine + 1)]));

        // Every match range covers exactly its text in the file.
        var matches = top.GetProperty("matches").EnumerateArray().ToList();
        Assert.NotEmpty(matches);
        foreach (var match in matches)
        {
            var r = match.GetProperty("range");
            var line = r.GetProperty("start").GetProperty("line").GetInt32();
            var from = r.GetProperty("start").GetProperty("character").GetInt32();
            var to = r.GetProperty("end").GetProperty("character").GetInt32();
            Assert.Equal(match.GetProperty("text").GetString(), lines[line][from..to]);
        }
        Assert.Contains(matches, m => m.GetProperty("queryToken").GetString() == "email");

        var queryId = search.GetProperty("queryId").GetString()!;
        var resultId = top.GetProperty("resultId").GetString()!;
        var opened = await client.RequestAsync("semanticSearch/resultOpened", new { queryId, resultId });
        Assert.True(opened.GetProperty("recorded").GetBoolean());
        var feedbackFile = Path.Combine(Path.GetDirectoryName(indexPath)!, "feedback.jsonl");
        var feedback = File.ReadAllLines(feedbackFile);
        var entry = JsonDocument.Parse(Assert.Single(feedback)).RootElement;
        Assert.Equal(queryId, entry.GetProperty("queryId").GetString());
        Assert.Equal("validate an email address", entry.GetProperty("query").GetString());
        Assert.Equal("src/Mail/EmailValidator.cs", entry.GetProperty("path").GetString());
        var unknown = await client.RequestAsync("semanticSearch/resultOpened", new { queryId = "nope", resultId = "nope" });
        Assert.False(unknown.GetProperty("recorded").GetBoolean());

        // The log is off-switchable: with feedbackLog false nothing more is written.
        await client.Rpc.NotifyWithParameterObjectAsync("workspace/didChangeConfiguration", new { settings = new { feedbackLog = false } });
        await Task.Delay(200); // a notification has no answer to wait for
        var notRecorded = await client.RequestAsync("semanticSearch/resultOpened", new { queryId, resultId });
        Assert.False(notRecorded.GetProperty("recorded").GetBoolean());
        Assert.Single(File.ReadAllLines(feedbackFile));

        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task A_saved_file_is_reindexed_and_searchable_within_the_debounce_window()
    {
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], LspClient.Options(fileWatcher: "off"));
        await client.WaitReadyAsync(1);
        Assert.DoesNotContain(Results(await client.SearchAsync("compute shipping surcharge")), r => r.GetProperty("symbol").GetString() == "ComputeShippingSurcharge");

        _repo.Edit(
            "src/Billing/InvoiceCalculator.cs",
            "    /// <summary>Applies a percentage discount",
            "    public static decimal ComputeShippingSurcharge(decimal weightKg) => weightKg * 0.5m;\n\n    /// <summary>Applies a percentage discount");
        await client.Rpc.NotifyWithParameterObjectAsync("textDocument/didSave", new
        {
            textDocument = new { uri = LspClient.Uri(_repo.PathOf("src/Billing/InvoiceCalculator.cs")) },
        });

        // Polled, not timed: the point is that the save alone leads to the new symbol being found.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var results = Results(await client.SearchAsync("compute shipping surcharge"));
            if (results.Any(r => r.GetProperty("symbol").GetString() == "ComputeShippingSurcharge"))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the saved change never became searchable\n" + client.Stderr);
            await Task.Delay(100);
        }

        // A deletion reported by the client's watcher removes the file's chunks.
        File.Delete(_repo.PathOf("src/Billing/InvoiceCalculator.cs"));
        await client.Rpc.NotifyWithParameterObjectAsync("workspace/didChangeWatchedFiles", new
        {
            changes = new[] { new { uri = LspClient.Uri(_repo.PathOf("src/Billing/InvoiceCalculator.cs")), type = 3 }, new { uri = "file://bad host/%%", type = 2 } },
        });
        await PollAsync(client, "compute shipping surcharge", r => r.GetProperty("path").GetString() == "src/Billing/InvoiceCalculator.cs", expected: false);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task The_servers_own_watcher_picks_up_new_and_deleted_files()
    {
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], LspClient.Options(fileWatcher: "server"));
        await client.WaitReadyAsync(1);

        _repo.Write("src/Geo/Haversine.cs", "namespace Acme.Geo;\npublic static class Haversine\n{\n" +
            "    public static double GreatCircleDistanceKm(double lat1, double lon1, double lat2, double lon2) => 0;\n}\n");
        await PollAsync(client, "great circle distance", r => r.GetProperty("path").GetString() == "src/Geo/Haversine.cs", expected: true);

        File.Delete(_repo.PathOf("src/Geo/Haversine.cs"));
        await PollAsync(client, "great circle distance", r => r.GetProperty("path").GetString() == "src/Geo/Haversine.cs", expected: false);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    private static async Task PollAsync(LspClient client, string query, Func<JsonElement, bool> predicate, bool expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Results(await client.SearchAsync(query, topK: 10)).Any(predicate) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{query}' never {(expected ? "found" : "lost")} the file\n{client.Stderr}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Cancelling_an_in_flight_reindex_answers_RequestCancelled_and_keeps_serving()
    {
        // Enough files that a rebuild is still running when the cancel arrives.
        var root = TempFolder("semsearch-big-");
        TestSupport.ModuleWorkspace.Write(root, 400);
        await using var client = LspClient.Start();
        await client.InitializeAsync([root]);

        // Searching while the first pass commits: every answer is consistent, and says how much it covered.
        var coverages = new List<JsonElement>();
        var searchDeadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var during = await client.SearchAsync("compute value", topK: 3);
            var coverage = during.GetProperty("coverage");
            coverages.Add(coverage);
            Assert.InRange(coverage.GetProperty("ratio").GetDouble(), 0, 1);
            Assert.Equal(coverage.GetProperty("chunksIndexed").GetInt32() > 0, Results(during).Count > 0);
            if (coverage.GetProperty("complete").GetBoolean())
            {
                break;
            }
            Assert.True(DateTime.UtcNow < searchDeadline, "indexing never completed\n" + client.Stderr);
            await Task.Delay(50);
        }
        var final = coverages[^1];
        Assert.Equal((400, 400, 1.0), (final.GetProperty("filesIndexed").GetInt32(), final.GetProperty("filesKnown").GetInt32(), final.GetProperty("ratio").GetDouble()));
        Assert.All(coverages, c => Assert.True(c.GetProperty("chunksIndexed").GetInt32() <= final.GetProperty("chunksIndexed").GetInt32()));
        await client.WaitReadyAsync(1, TimeSpan.FromMinutes(5));
        var begins = client.Progress.Count(p => p.GetProperty("value").GetProperty("kind").GetString() == "begin");

        using var cancel = new CancellationTokenSource();
        var reindex = client.RequestAsync("semanticSearch/reindex", new { full = true }, cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (client.Progress.Count(p => p.GetProperty("value").GetProperty("kind").GetString() == "begin") == begins)
        {
            Assert.True(DateTime.UtcNow < deadline, "the rebuild never started\n" + client.Stderr);
            await Task.Delay(10);
        }
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reindex);
        var error = await client.WaitForFrameAsync(f => f["error"]?["code"]?.GetValue<int>() == -32800, TimeSpan.FromSeconds(30));
        Assert.NotNull(error["id"]);

        // Still serving, and what was committed before the cancel is searchable.
        var status = await client.RequestAsync("semanticSearch/status");
        Assert.NotEqual("error", status.GetProperty("folders")[0].GetProperty("state").GetString());
        await client.SearchAsync("compute value");
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task Malformed_input_and_bad_requests_get_errors_or_are_ignored_and_the_server_keeps_serving()
    {
        await using var client = LspClient.Start();
        // No progress and no watcher: the server sends no requests of its own, so raw writes cannot interleave.
        await client.InitializeAsync([_repo.Root], progress: false);
        await client.WaitReadyAsync(1);

        await client.WriteRawAsync("this is not a header\r\n\r\n");
        await client.WriteRawAsync("Content-Length: banana\r\n\r\n");
        await client.WriteFrameAsync("{ not json at all");
        await client.WriteFrameAsync("[1, 2, 3]");
        // Bad requests go through the client (a response to an id it never sent would end its connection).
        Assert.Equal(-32602, await ErrorCodeOf(client.RequestAsync("semanticSearch/search", new { query = "email", topK = "many" })));
        Assert.Equal(-32601, await ErrorCodeOf(client.RequestAsync("no/such/method")));
        Assert.Equal(-32602, await ErrorCodeOf(client.RequestAsync("semanticSearch/search", new { query = "  " })));
        Assert.Equal(-32602, await ErrorCodeOf(client.RequestAsync("semanticSearch/search", new { query = "email", folder = "file:///not/a/workspace/folder" })));
        Assert.Equal(-32602, await ErrorCodeOf(client.RequestAsync("semanticSearch/reindex", new { folder = "file:///elsewhere" })));

        // The junk was reported, not fatal.
        var results = Results(await client.SearchAsync("validate an email address"));
        Assert.Equal("IsValidEmail", results[0].GetProperty("symbol").GetString());
        Assert.True(client.Logs.Count(l => l.Message.StartsWith("Ignored", StringComparison.Ordinal)) >= 4, string.Join("\n", client.Logs));
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task Search_filters_leave_out_excluded_globs_and_tests_and_bad_filters_are_invalid_params_that_name_the_field()
    {
        _repo.Write("tests/Mail/EmailValidatorTests.cs", "namespace Acme.Mail.Tests;\npublic sealed class EmailValidatorTests\n{\n" +
            "    /// <summary>A valid email address is accepted.</summary>\n    public void Validate_email_address() => EmailValidator.IsValidEmail(\"a@b.co\");\n}\n");
        _repo.Write("web/src/api/client.spec.ts",
            "// Validate the email address field.\ndescribe('email address', () => it('validates', () => expect(valid('a@b.co')).toBe(true)));\n");
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], progress: false);
        await client.WaitReadyAsync(1);
        List<string> Paths(JsonElement search) => [.. Results(search).Select(r => r.GetProperty("path").GetString()!).Distinct()];
        const string query = "validate an email address";

        var all = Paths(await client.SearchAsync(query, topK: 40));
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", all);
        Assert.Contains("web/src/api/client.spec.ts", all);
        var noTests = Paths(await client.SearchAsync(query, topK: 40, filters: new { excludeTests = true }));
        Assert.DoesNotContain("tests/Mail/EmailValidatorTests.cs", noTests);
        Assert.DoesNotContain("web/src/api/client.spec.ts", noTests);
        Assert.Contains("src/Mail/EmailValidator.cs", noTests);
        var oneGlob = Paths(await client.SearchAsync(query, topK: 40, filters: new { excludeGlob = "src/**" }));
        Assert.NotEmpty(oneGlob);
        Assert.DoesNotContain(oneGlob, p => p.StartsWith("src/", StringComparison.Ordinal));
        var globs = Paths(await client.SearchAsync(query, topK: 40, filters: new { excludeGlob = new[] { "src/**", "*.ts" }, excludeTests = false, language = "csharp" }));
        Assert.Equal(["tests/Mail/EmailValidatorTests.cs"], globs);

        async Task<(int Code, string Message)> ErrorOf(object filters)
        {
            var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => client.SearchAsync(query, filters: filters));
            return (await ErrorCodeOf(Task.FromException(error)), error.Message);
        }
        var unclosed = await ErrorOf(new { excludeGlob = new[] { "docs/**", "*.{ts,tsx" } });
        Assert.Equal((-32602, "filters.excludeGlob: Unclosed '{' in path glob '*.{ts,tsx'."), unclosed);
        var badClass = await ErrorOf(new { pathGlob = "src/[z-a]*" });
        Assert.Equal((-32602, "filters.pathGlob: 'src/[z-a]*' is not a valid path glob: a [...] class is empty or has a range in reverse order."), badClass);
        Assert.Equal((-32602, "filters.excludeGlob must be a glob or an array of globs (strings)."), await ErrorOf(new { excludeGlob = 5 }));
        Assert.Equal((-32602, "filters.excludeGlob must be a glob or an array of globs (strings)."), await ErrorOf(new { excludeGlob = new object[] { "a/**", 3 } }));
        Assert.Equal((-32602, "Invalid params: filters.excludeTests must be true or false."), await ErrorOf(new { excludeTests = "yes" }));
        Assert.Equal((-32602, "Invalid params: filters.pathGlob must be a string."), await ErrorOf(new { pathGlob = 7 }));
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    private static async Task<int> ErrorCodeOf(Task request)
    {
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => request);
        return error switch
        {
            RemoteInvocationException invocation => invocation.ErrorCode,
            RemoteMethodNotFoundException notFound => (int)notFound.ErrorCode,
            _ => throw error,
        };
    }

    [Fact]
    public async Task A_reopened_index_logs_where_the_time_to_ready_went_from_the_process_start()
    {
        // Two sessions on one index (a folder of the test's as indexLocation): the second reopens it, as an editor does.
        var options = LspClient.Options();
        options["indexLocation"] = TempFolder("semsearch-ready-line-");
        await using (var first = LspClient.Start())
        {
            await first.InitializeAsync([_repo.Root], options);
            await first.WaitReadyAsync(1);
            Assert.Equal(0, await first.ShutdownAndExitAsync());
        }
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], options);
        var folder = (await client.WaitReadyAsync(1)).GetProperty("folders")[0];
        var name = Path.GetFileName(_repo.Root);
        var pattern = new Regex(
            $@"^{Regex.Escape(name)}: ready (?<total>[\d,]+) ms after the process started \(runtime start (?<runtime>[\d,]+) ms, " +
            @"initialize at (?<init>[\d,]+) ms, opening began at (?<began>[\d,]+) ms; model (?<model>[\d,]+) ms, index open (?<index>[\d,]+) ms " +
            @"\((?<chunks>[\d,]+) chunks\), change check (?<check>[\d,]+) ms \((?<files>[\d,]+) files, (?<encoded>[\d,]+) chunks encoded\)\)\.$");
        // Logged as the pass ends, a moment after the folder reads ready.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Match? match = null;
        while (match is not { Success: true } && DateTime.UtcNow < deadline)
        {
            match = client.Logs.Select(l => pattern.Match(l.Message)).FirstOrDefault(m => m.Success);
            await Task.Delay(50);
        }
        Assert.True(match is { Success: true }, string.Join("\n", client.Logs.Select(l => l.Message)));
        int Ms(string group) => int.Parse(match.Groups[group].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        // What the reopen held and checked; nothing changed, so nothing was encoded.
        Assert.Equal(folder.GetProperty("chunksIndexed").GetInt32(), Ms("chunks"));
        Assert.Equal(folder.GetProperty("filesKnown").GetInt32(), Ms("files"));
        Assert.Equal(0, Ms("encoded"));
        // The milestones in order, and the parts within the whole (each part rounded to the millisecond).
        Assert.True(Ms("runtime") <= Ms("init") && Ms("init") <= Ms("began"), match.Value);
        Assert.True(Ms("began") + Ms("model") + Ms("index") + Ms("check") <= Ms("total") + 3, match.Value);
        Assert.True(Ms("runtime") > 0, $"the runtime's start is measured from the process's start: {match.Value}");
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task Configuration_changes_reopen_the_index_with_the_new_excludes()
    {
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root]);
        await client.WaitReadyAsync(1);
        Assert.Contains(Results(await client.SearchAsync("validate an email address", topK: 10)), r => r.GetProperty("path").GetString() == "src/Mail/EmailValidator.cs");

        var settings = LspClient.Options();
        settings["excludes"] = new[] { "src/Mail/" };
        await client.Rpc.NotifyWithParameterObjectAsync("workspace/didChangeConfiguration", new { settings = new { semanticSearch = settings } });
        await PollAsync(client, "validate an email address", r => r.GetProperty("path").GetString() == "src/Mail/EmailValidator.cs", expected: false);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task A_missing_model_is_a_folder_error_with_a_message_not_a_crash()
    {
        await using var client = LspClient.Start();
        var options = LspClient.Options();
        options["modelPath"] = Path.Combine(_repo.Root, "no-such-model");
        await client.InitializeAsync([_repo.Root], options);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement folder;
        while ((folder = (await client.RequestAsync("semanticSearch/status")).GetProperty("folders")[0]).GetProperty("state").GetString() != "error")
        {
            Assert.True(DateTime.UtcNow < deadline, "the folder never reported the error\n" + client.Stderr);
            await Task.Delay(100);
        }
        Assert.Contains("no-such-model", folder.GetProperty("lastError").GetString());
        Assert.Equal("model", folder.GetProperty("lastErrorKind").GetString());
        var search = await client.SearchAsync("email");
        Assert.Empty(Results(search));
        Assert.False(search.GetProperty("coverage").GetProperty("complete").GetBoolean());
        Assert.Contains(client.Logs, l => l.Type == 1 && l.Message.Contains("no-such-model", StringComparison.Ordinal));
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task Requests_before_initialize_are_refused_and_exit_without_shutdown_exits_1()
    {
        await using var client = LspClient.Start();
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => client.RequestAsync("semanticSearch/status"));
        Assert.Equal(-32002, error.ErrorCode);
        await client.Rpc.NotifyAsync("exit");
        Assert.Equal(1, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Multi_root_searches_scope_by_folder_and_follow_folder_changes()
    {
        var second = TempFolder("semsearch-second-");
        File.WriteAllText(Path.Combine(second, "invoices.py"),
            "def parse_invoice_total(text):\n    \"\"\"Read the invoice total from text.\"\"\"\n    return float(text.split(':')[1])\n");
        var third = TempFolder("semsearch-third-");
        File.WriteAllText(Path.Combine(third, "weather.go"),
            "package weather\n\n// FetchForecastTemperature returns tomorrow's temperature.\nfunc FetchForecastTemperature(city string) float64 {\n\treturn 21.5\n}\n");

        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root, second]);
        await client.WaitReadyAsync(2);

        var everywhere = Results(await client.SearchAsync("invoice total", topK: 20));
        Assert.Contains(everywhere, r => r.GetProperty("folder").GetString() == LspClient.Uri(second));
        Assert.Contains(everywhere, r => r.GetProperty("folder").GetString() == LspClient.Uri(_repo.Root));
        var scoped = Results(await client.SearchAsync("invoice total", topK: 20, folder: second));
        Assert.NotEmpty(scoped);
        Assert.All(scoped, r => Assert.Equal(LspClient.Uri(second), r.GetProperty("folder").GetString()));
        Assert.Equal("parse_invoice_total", scoped[0].GetProperty("symbol").GetString());
        var filtered = Results(await client.SearchAsync("invoice total", topK: 20, filters: new { language = "python" }));
        Assert.All(filtered, r => Assert.Equal("python", r.GetProperty("language").GetString()));
        // A language named in the query filters the same way, and the response says so; it can be turned off.
        var named = await client.SearchAsync("invoice total in python", topK: 20);
        Assert.Equal(["python"], named.GetProperty("languagesFromQuery").EnumerateArray().Select(l => l.GetString()));
        Assert.All(Results(named), r => Assert.Equal("python", r.GetProperty("language").GetString()));
        var asTyped = await client.SearchAsync("invoice total in python", topK: 20, filters: new { languageFromQuery = false });
        Assert.Empty(asTyped.GetProperty("languagesFromQuery").EnumerateArray());
        Assert.Contains(Results(asTyped), r => r.GetProperty("language").GetString() != "python");

        await client.Rpc.NotifyWithParameterObjectAsync("workspace/didChangeWorkspaceFolders", new
        {
            @event = new
            {
                added = new[] { new { uri = LspClient.Uri(third), name = "third" } },
                removed = new[] { new { uri = LspClient.Uri(_repo.Root), name = "repo" } },
            },
        });
        var status = await client.WaitReadyAsync(2);
        var uris = status.GetProperty("folders").EnumerateArray().Select(f => f.GetProperty("uri").GetString()).ToHashSet();
        Assert.Equal([LspClient.Uri(second), LspClient.Uri(third)], uris);
        var afterChange = Results(await client.SearchAsync("forecast temperature invoice email", topK: 20));
        Assert.DoesNotContain(afterChange, r => r.GetProperty("folder").GetString() == LspClient.Uri(_repo.Root));
        Assert.Contains(afterChange, r => r.GetProperty("symbol").GetString() == "FetchForecastTemperature");
        // A language named in the query limits every folder: the Python-only folder adds nothing to a Go search.
        var goOnly = await client.SearchAsync("forecast temperature invoice in golang", topK: 20);
        Assert.Equal(["go"], goOnly.GetProperty("languagesFromQuery").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("FetchForecastTemperature", Assert.Single(Results(goOnly)).GetProperty("symbol").GetString());
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }
    [Fact]
    public async Task Folders_are_merged_on_one_scale_a_weak_folder_does_not_push_its_best_guess_to_the_top()
    {
        // A folder with nothing about email: its best chunk is a weak match, however it ranks within its folder.
        var weak = TempFolder("semsearch-weak-");
        File.WriteAllText(Path.Combine(weak, "shipping.py"),
            "def parcel_postage(weight):\n    \"\"\"Postage of a parcel from its weight in kilograms.\"\"\"\n    return round(weight * 4.5, 2)\n");
        File.WriteAllText(Path.Combine(weak, "greeting.py"), "def greet(name):\n    \"\"\"Say hello to a visitor by name.\"\"\"\n    return 'hello ' + name\n");

        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root, weak]);
        await client.WaitReadyAsync(2);

        var results = Results(await client.SearchAsync("validate an email address", topK: 10));
        Assert.Equal("IsValidEmail", results[0].GetProperty("symbol").GetString());
        var firstWeak = results.FindIndex(r => r.GetProperty("folder").GetString() == LspClient.Uri(weak));
        // Each folder ranked alone puts its best chunk at its own top; merged on one scale the weak folder's best
        // comes after the email folder's email-related chunks (the email validator's class, method and field).
        Assert.True(firstWeak < 0 || firstWeak >= 3, string.Join(", ", results.Select(r => $"{r.GetProperty("path").GetString()}#{r.GetProperty("symbol").GetString()}")));
        // Scores come back in rank order across folders.
        var scores = results.Select(r => r.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(x => x), scores);

        // The weak folder alone still answers with its best guess first.
        var alone = Results(await client.SearchAsync("validate an email address", topK: 3, folder: weak));
        Assert.NotEmpty(alone);
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }
    [Fact]
    public async Task A_corrupt_index_is_a_folder_error_that_names_the_editor_remedy_and_a_full_reindex_recovers()
    {
        var index = Path.Combine(_repo.Root, ".semantic-search", "index.db");
        Directory.CreateDirectory(Path.GetDirectoryName(index)!);
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(index, garbage);

        await using var client = LspClient.Start();
        var options = LspClient.Options();
        options["indexLocation"] = "workspace";
        await client.InitializeAsync([_repo.Root], options);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement folder;
        while ((folder = (await client.RequestAsync("semanticSearch/status")).GetProperty("folders")[0]).GetProperty("state").GetString() != "error")
        {
            Assert.True(DateTime.UtcNow < deadline, "the folder never reported the corrupt index\n" + client.Stderr);
            await Task.Delay(100);
        }
        var error = folder.GetProperty("lastError").GetString()!;
        Assert.Contains("corrupt", error);
        Assert.Contains("Semantic Search: Rebuild Index", error); // the editor's words, not the CLI's
        Assert.DoesNotContain("semsearch index", error);
        Assert.Equal("corruptIndex", folder.GetProperty("lastErrorKind").GetString()); // the fix, machine-readable

        await client.RequestAsync("semanticSearch/reindex", new { full = true });
        var ready = await client.WaitReadyAsync(1);
        Assert.True(ready.GetProperty("folders")[0].GetProperty("chunksIndexed").GetInt32() > 10);
        Assert.Equal("IsValidEmail", Results(await client.SearchAsync("validate an email address"))[0].GetProperty("symbol").GetString());
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }
}
