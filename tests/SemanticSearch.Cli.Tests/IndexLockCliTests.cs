using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Cli.Tests;

/// <summary>
/// One writer per index across processes (#18, point 1), with real CLI processes. Where a test needs a writer that
/// stays put, this test process is it: it takes the writer lock the way another CLI run or an editor's server does.
/// </summary>
public sealed class IndexLockCliTests : IDisposable
{
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string[] WithModel(params string[] args) => [.. args, "--model", TinyModel.ColbertFolder, "--provider", "cpu"];

    private IndexFiles Files => IndexLocation.Workspace.For(_repo.Root);

    private string Digest() =>
        string.Join("\n", new[] { Files.Database, Files.Log, Files.Codes }.Where(File.Exists)
            .Select(f => $"{Path.GetFileName(f)}:{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    private void BuildIndex()
    {
        var built = CliProcess.Run(WithModel("index", _repo.Root, "--quiet"));
        Assert.True(built.ExitCode == 0, built.ToString());
    }

    [Fact]
    public void TinyRandomModel_while_another_process_writes_the_index_index_fails_fast_naming_it_search_reads_and_status_names_it()
    {
        BuildIndex();
        using var holder = IndexLock.AcquireWriter(Files, TimeSpan.Zero);
        var before = Digest();

        var index = CliProcess.Run(WithModel("index", _repo.Root));
        Assert.True(index.ExitCode == 1, index.ToString());
        Assert.Contains("is in use by", index.Stderr);
        Assert.Contains($"pid {Environment.ProcessId}", index.Stderr);
        Assert.Contains("--wait", index.Stderr);
        Assert.DoesNotContain("   at ", index.Stderr); // no stack trace

        var rebuild = CliProcess.Run(WithModel("index", _repo.Root, "--rebuild"));
        Assert.True(rebuild.ExitCode == 1, rebuild.ToString());
        Assert.True(File.Exists(Files.Database), "a rebuild refused deletes nothing");

        // A search does not wait and does not update: it reads the index as it is, and says so.
        var search = CliProcess.Run(WithModel("search", _repo.Root, "validate an email address", "--json"));
        Assert.True(search.ExitCode == 0, search.ToString());
        using var json = JsonDocument.Parse(search.Stdout);
        Assert.True(json.RootElement.GetProperty("results").GetArrayLength() > 0);
        Assert.Contains("not updated", json.RootElement.GetProperty("notUpdated").GetString());
        Assert.Contains("not updated", search.Stderr);

        var status = CliProcess.Run(WithModel("status", _repo.Root));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"Writer:    ", status.Stdout);
        Assert.Contains($"pid {Environment.ProcessId}", status.Stdout);

        Assert.Equal(before, Digest());
    }

    [Fact]
    public async Task TinyRandomModel_index_with_wait_says_who_it_waits_for_and_runs_once_the_holder_lets_go()
    {
        var holder = IndexLock.AcquireWriter(Files, TimeSpan.Zero);
        using var process = Process.Start(CliProcess.StartInfo(WithModel("index", _repo.Root, "--wait", "--quiet")))!;
        process.StandardInput.Close();
        var stderr = new StringBuilder();
        using var waiting = new SemaphoreSlim(0);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
            if (e.Data?.Contains("waiting for", StringComparison.Ordinal) == true)
            {
                waiting.Release();
            }
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(120)), $"no waiting message: {stderr}");
            lock (stderr)
            {
                Assert.Contains($"pid {Environment.ProcessId}", stderr.ToString());
            }
            Assert.False(process.HasExited, "it waits while the lock is held");
            Assert.False(File.Exists(Files.Database), "nothing written while it waits");
        }
        finally
        {
            holder.Dispose();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{stderr}");
        Assert.Contains("Indexed", await stdout);
    }

    [Fact]
    public async Task TinyRandomModel_two_index_runs_and_readers_at_once_leave_one_sound_index()
    {
        // The trial that corrupted 3 of 3 indexes: two writers on one root, with status and search --no-update
        // running beside them. Each writer either runs or is refused naming the other; readers answer or are told
        // the index is busy; afterwards the index holds exactly what a clean build holds.
        ModuleWorkspace.Write(_repo.Root, 120);
        BuildIndex();
        for (var i = 0; i < 40; i++)
        {
            _repo.Write($"Module{i:D3}.cs", $"namespace Big.M{i};\npublic static class Module{i} {{ public static int Changed{i}(int v) => v + {i}; }}\n");
        }
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => CliProcess.Run(WithModel("index", _repo.Root, "--quiet")))).ToList();
        var readers = new List<CliProcess.Result>();
        while (!writers.All(w => w.IsCompleted))
        {
            readers.Add(CliProcess.Run(WithModel("status", _repo.Root)));
            readers.Add(CliProcess.Run(WithModel("search", _repo.Root, "compute value", "--no-update", "-k", "3")));
        }
        var results = await Task.WhenAll(writers);
        Assert.Contains(results, r => r.ExitCode == 0);
        foreach (var r in results.Where(r => r.ExitCode != 0))
        {
            Assert.True(r.ExitCode == 1 && r.Stderr.Contains("is in use by", StringComparison.Ordinal), r.ToString());
        }
        foreach (var r in readers)
        {
            Assert.True(r.ExitCode == 0 || r.Stderr.Contains("is in use by", StringComparison.Ordinal), r.ToString());
            Assert.DoesNotContain("corrupt", r.Stderr, StringComparison.OrdinalIgnoreCase);
        }

        // Sound: a final update has nothing left to do, and the index holds what a clean build of the same files holds.
        var again = CliProcess.Run(WithModel("index", _repo.Root, "--json"));
        Assert.True(again.ExitCode == 0, again.ToString());
        using var report = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("filesChanged").GetInt32() + report.RootElement.GetProperty("filesAdded").GetInt32());
        var clean = Path.Combine(Directory.CreateTempSubdirectory("semsearch-clean-").FullName, "index.db");
        try
        {
            var built = CliProcess.Run(WithModel("index", _repo.Root, "--index", clean, "--quiet"));
            Assert.True(built.ExitCode == 0, built.ToString());
            Assert.Equal(ChunkCount(clean), ChunkCount(Files.Database));
        }
        finally
        {
            TestFolders.Delete(Path.GetDirectoryName(clean)!);
        }
    }

    private int ChunkCount(string database)
    {
        var status = WorkspaceStatus.Read(_repo.Root, database, SemanticSearch.Engine.Workspace.ScanOptions.Default);
        return status.Info!.ChunkCount;
    }
}
