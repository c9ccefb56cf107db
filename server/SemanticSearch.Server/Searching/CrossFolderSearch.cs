using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Search;
using SemanticSearch.Server.Folders;
using SemanticSearch.Server.Protocol;

namespace SemanticSearch.Server.Searching;

/// <summary>
/// One search over several workspace folders, as <c>semanticSearch/search</c> answers it: the query is read once,
/// every open folder proposes candidates, they are ranked as one list (<see cref="HybridRanker.RankAcross"/>: a
/// folder's BM25 is not comparable with another's), and each folder builds its winners' results. A folder whose
/// index turns out damaged on the way is left out and handed to <c>damaged</c> (nothing it holds is answered).
/// </summary>
public static class CrossFolderSearch
{
    public static SearchResultSet Run(string query, int topK, SearchFilters filters, IReadOnlyList<IndexedFolder> folders, Func<IndexedFolder, int> jobsQueued,
        FeedbackLog feedback, Action<IndexedFolder, IndexCorruptException> damaged, CancellationToken cancellationToken)
    {
        T? Read<T>(IndexedFolder folder, Func<SemanticWorkspace, T> read) where T : class
        {
            try
            {
                return folder.WithWorkspace(read);
            }
            catch (IndexCorruptException ex)
            {
                damaged(folder, ex);
                return null;
            }
        }

        double encodeMs = 0, searchMs = 0;
        int searched = 0, chunks = 0;
        // One reading of the query for all folders: "… in python" limits every folder to Python when any of them
        // holds Python (a folder without any must not answer with its other languages instead).
        (var intent, filters) = QueryLanguageHint.Apply(query, filters, language => folders.Any(f => f.WithWorkspace(ws => ws.HoldsLanguage(language))));
        // Read: the workspaces must not read the query again (a folder would parse it once more for nothing).
        filters = filters with { LanguageFromQuery = false };
        var open = new List<(IndexedFolder Folder, WorkspaceCandidates Share)>();
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var share = Read(folder, ws =>
            {
                chunks += ws.CacheSize.Chunks;
                return ws.Candidates(intent.Text, topK, filters, cancellationToken);
            });
            if (share is null)
            {
                continue; // not open yet: no results, no error
            }
            open.Add((folder, share));
            encodeMs += share.EncodeMilliseconds;
            searchMs += share.SearchMilliseconds;
            searched += share.ChunksSearched;
        }
        var order = HybridRanker.RankAcross(open.Select(o => (IReadOnlyList<RankCandidate>)o.Share.Candidates).ToList(), QueryAnalysis.Of(intent.Text),
            RankingOptions.Hybrid, topK);
        var results = new Dictionary<(int Folder, string Chunk), SearchResult>();
        foreach (var group in order.GroupBy(o => o.Folder))
        {
            var (folder, share) = open[group.Key];
            var built = Read(folder, ws => ws.Results(group.Select(g => g.Ranked).ToList(), share.Query, intent.Text)) ?? [];
            foreach (var r in built)
            {
                results[(group.Key, r.Chunk.Id)] = r;
            }
        }
        var queryId = feedback.NewQueryId();
        var ranked = order
            .Where(o => results.ContainsKey((o.Folder, o.Ranked.Candidate.Id))) // a chunk removed meanwhile is left out
            .Select((o, i) => (open[o.Folder].Folder, Hit: ToHit(open[o.Folder].Folder, results[(o.Folder, o.Ranked.Candidate.Id)], queryId, i + 1)))
            .ToList();
        feedback.Remember(new FeedbackLog.QueryRecord(queryId, query, DateTime.UtcNow, ranked.ToDictionary(r => r.Hit.ResultId, r => (r.Folder, r.Hit))));
        return new SearchResultSet
        {
            QueryId = queryId,
            Query = query,
            Results = ranked.Select(r => r.Hit).ToArray(),
            Coverage = SearchCoverage.Of(
                folders.Select(f => new SearchCoverage.FolderFigures(f.State, f.FilesIndexed, f.FilesKnown, jobsQueued(f))
                {
                    FilesSkipped = f.FilesSkipped,
                    NeedsFullPass = f.NeedsFullPass,
                }).ToList(),
                chunks),
            LanguagesFromQuery = [.. intent.Languages],
            ChunksSearched = searched,
            EncodeMs = Math.Round(encodeMs, 2),
            SearchMs = Math.Round(searchMs, 2),
        };
    }

    private static SearchHit ToHit(IndexedFolder folder, SearchResult result, string queryId, int rank)
    {
        var chunk = result.Chunk;
        return new SearchHit
        {
            ResultId = $"{queryId}.{rank}",
            Rank = rank,
            Uri = LspPaths.ToUri(Path.Combine(folder.Root, chunk.Path)),
            Folder = folder.Uri,
            Path = chunk.Path,
            Range = LspPaths.ToLspRange(chunk.Range),
            Symbol = chunk.Symbol,
            Container = chunk.Container,
            Kind = HitKinds.From(chunk.Kind),
            Language = chunk.Language,
            Signature = chunk.Signature,
            Snippet = result.Snippet,
            Score = MathF.Round(result.Score, 4),
            Matches = result.Matches.Select(m => new MatchedToken
            {
                Range = LspPaths.ToLspRange(m.Line, m.Column, m.Length),
                Text = m.Text,
                QueryToken = m.QueryToken,
                Similarity = MathF.Round(m.Similarity, 4),
                Lexical = m.Lexical,
            }).ToArray(),
        };
    }
}

/// <summary>How much of the searched folders a search saw: the rule behind <see cref="Coverage"/>.</summary>
public static class SearchCoverage
{
    /// <summary>One searched folder's figures when the query ran.</summary>
    public sealed record FolderFigures(FolderState State, int FilesIndexed, int FilesKnown, int JobsQueued)
    {
        /// <summary>Of <see cref="FilesKnown"/>: checked and left out (<see cref="IndexedFolder.FilesSkipped"/>).</summary>
        public int FilesSkipped { get; init; }

        /// <summary>Its last pass was cancelled or paused, or none finished yet (<see cref="IndexedFolder.NeedsFullPass"/>).</summary>
        public bool NeedsFullPass { get; init; }
    }

    /// <summary>
    /// Files checked (indexed or skipped: a skipped file is covered, there is nothing of it to find) over files known,
    /// summed (a folder's checked count never exceeds its known count once that is known); complete only when every
    /// folder is ready with nothing queued and its last pass finished (a cancelled pass leaves a ready folder that is
    /// not up to date). Nothing known counts as fully covered only when complete
    /// (an empty workspace), else as not covered (a folder not scanned yet).
    /// </summary>
    public static Coverage Of(IReadOnlyList<FolderFigures> folders, int chunksIndexed)
    {
        var known = folders.Sum(f => f.FilesKnown);
        // Capped per folder: the counts come from the index and the known count from the last scan, and a save can move
        // one ahead of the other for a moment.
        var capped = folders.Select(f =>
        {
            var indexed = f.FilesKnown > 0 ? Math.Min(f.FilesIndexed, f.FilesKnown) : f.FilesIndexed;
            return (Indexed: indexed, Skipped: f.FilesKnown > 0 ? Math.Min(f.FilesSkipped, f.FilesKnown - indexed) : f.FilesSkipped);
        }).ToList();
        var checkedFiles = capped.Sum(c => c.Indexed + c.Skipped);
        var complete = folders.All(f => f.State == FolderState.Ready && f.JobsQueued == 0 && !f.NeedsFullPass);
        return new Coverage
        {
            FilesIndexed = capped.Sum(c => c.Indexed),
            FilesSkipped = capped.Sum(c => c.Skipped),
            FilesKnown = known,
            ChunksIndexed = chunksIndexed,
            Ratio = known == 0 ? (complete ? 1 : 0) : Math.Min(1.0, (double)checkedFiles / known),
            Complete = complete,
        };
    }
}
