using System.Security.Cryptography;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Index;

/// <summary>
/// Damaged index files (#18's trials: truncations, zeroed pages, garbage, bit flips): a reader or a writer either
/// reports the damage as <see cref="IndexCorruptException"/> (which names the rebuild) or answers exactly what the
/// intact index answers; never a raw LiteDB exception, never other results. A reader never changes the file.
/// </summary>
public sealed class DamagedIndexTests
{
    private static readonly string[] Queries = ["validate an email address", "least recently used cache", "parse command line arguments"];

    public static TheoryData<string> Variants => ["truncated to half", "truncated to 90%", "only the header page", "page 1 zeroed", "page 2 zeroed",
        "middle page zeroed", "last page garbage", "10 bits flipped", "1000 bits flipped", "header byte flipped"];

    private static void Damage(string variant, string database)
    {
        var bytes = File.ReadAllBytes(database).ToList();
        var random = new Random(7);
        void Flip(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var at = random.Next(8192, bytes.Count);
                bytes[at] ^= (byte)(1 << random.Next(8));
            }
        }
        void Zero(int page)
        {
            for (var i = page * 8192; i < (page + 1) * 8192; i++)
            {
                bytes[i] = 0;
            }
        }
        switch (variant)
        {
            case "truncated to half": bytes.RemoveRange(bytes.Count / 2, bytes.Count - bytes.Count / 2); break;
            case "truncated to 90%": bytes.RemoveRange(bytes.Count * 9 / 10, bytes.Count - bytes.Count * 9 / 10); break;
            case "only the header page": bytes.RemoveRange(8192, bytes.Count - 8192); break;
            case "page 1 zeroed": Zero(1); break;
            case "page 2 zeroed": Zero(2); break;
            case "middle page zeroed": Zero(bytes.Count / 2 / 8192); break;
            case "last page garbage":
                for (var i = bytes.Count - 8192; i < bytes.Count; i++)
                {
                    bytes[i] = (byte)random.Next(256);
                }
                break;
            case "10 bits flipped": Flip(10); break;
            case "1000 bits flipped": Flip(1000); break;
            case "header byte flipped": bytes[100] ^= 0xFF; break;
            default: throw new ArgumentOutOfRangeException(nameof(variant), variant, null);
        }
        File.WriteAllBytes(database, [.. bytes]);
    }

    private static List<string> Answers(SemanticWorkspace workspace) =>
        Queries.SelectMany(q => workspace.Search(q, 5).Results.Select(r => $"{q}: {r.Chunk.Id} {r.Chunk.Path}:{r.Chunk.Range.StartLine}")).ToList();

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_damaged_index_is_reported_as_corrupt_or_answers_as_the_intact_one(string variant)
    {
        using var repo = new SampleRepo();
        // Beside the workspace, not in it: the damaged copy must not be one of the workspace's files.
        var outside = Directory.CreateTempSubdirectory("semsearch-damaged-").FullName;
        try
        {
            Trial(variant, repo, outside);
        }
        finally
        {
            TestFolders.Delete(outside);
        }
    }

    private static void Trial(string variant, SampleRepo repo, string outside)
    {
        var intactAt = IndexLocation.AtFile(Path.Combine(outside, "intact", "index.db"));
        List<string> expected;
        using (var intact = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, intactAt)))
        {
            intact.Index();
            expected = Answers(intact);
        }
        var expectedStatus = Status(repo.Root, intactAt.For(repo.Root).Database);
        var damagedAt = IndexLocation.AtFile(Path.Combine(outside, "damaged", "index.db"));
        var files = damagedAt.For(repo.Root);
        CopyFolder(intactAt.For(repo.Root).Folder, files.Folder);
        Damage(variant, files.Database);
        var digest = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(files.Database)));

        // A reader (status, search --no-update): corrupt or the same answers, and the file as it was.
        Outcome(expected, () =>
        {
            using var reader = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, damagedAt, ReadOnly: true));
            return Answers(reader);
        });
        Assert.Equal(digest, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(files.Database))));
        Outcome(expectedStatus, () => Status(repo.Root, files.Database));
        Assert.Equal(digest, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(files.Database))));

        // A writer (search with its update, index): the same two outcomes.
        Outcome(expected, () =>
        {
            using var writer = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, damagedAt));
            writer.Index();
            return Answers(writer);
        });
    }

    [Theory]
    [InlineData("syntactically valid email")]
    [InlineData("Acme.Mail.EmailValidator")]
    public void A_flipped_byte_inside_a_chunk_is_found_by_its_checksum(string stored)
    {
        // LiteDB checks page types, not what a page holds: without our checksum this byte would be read as text.
        using var repo = new SampleRepo();
        var outside = Directory.CreateTempSubdirectory("semsearch-flipped-").FullName;
        try
        {
            var at = IndexLocation.AtFile(Path.Combine(outside, "index.db"));
            using (var build = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, at)))
            {
                build.Index();
            }
            var database = at.For(repo.Root).Database;
            var bytes = File.ReadAllBytes(database);
            var found = bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(stored));
            Assert.True(found > 0, $"'{stored}' is stored as it is");
            bytes[found + 3] ^= 0x01;
            File.WriteAllBytes(database, bytes);

            var reader = Assert.Throws<IndexCorruptException>(() =>
            {
                using var workspace = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, at, ReadOnly: true));
                workspace.Search("validate an email address", 5);
            });
            Assert.Contains("checksum", reader.Message, StringComparison.Ordinal);
            Assert.Throws<IndexCorruptException>(() =>
            {
                using var workspace = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, at));
                workspace.Index();
                workspace.Search("validate an email address", 5);
            });
        }
        finally
        {
            TestFolders.Delete(outside);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static List<string> Status(string root, string database) =>
        WorkspaceStatus.Read(root, database, SemanticSearch.Engine.Workspace.ScanOptions.Default) is var s
            ? [$"files {s.FilesIndexed}", $"stale {s.StaleFiles}", $"chunks {s.Info?.ChunkCount}"]
            : [];

    /// <summary>Either the damage is reported as corrupt, with the rebuild remedy, or the answers are exactly the intact index's.</summary>
    private static void Outcome(List<string> expected, Func<List<string>> run)
    {
        List<string> answers;
        try
        {
            answers = run();
        }
        catch (IndexCorruptException corrupt)
        {
            Assert.Equal(ErrorRemedy.RebuildIndex, corrupt.Remedy);
            return;
        }
        Assert.Equal(expected, answers);
    }
}
