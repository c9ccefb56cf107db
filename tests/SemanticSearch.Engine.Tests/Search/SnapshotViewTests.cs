using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Search;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>
/// What a view derives from all its entries is derived once: the languages it holds and the entries a filter
/// keeps (a filtered query no longer walks the whole index on every keystroke), and a new view starts afresh.
/// </summary>
public sealed class SnapshotViewTests
{
    private static VectorCache.Entry EntryOf(int slot, string path, string language) =>
        new($"c{slot}", path, language, ChunkKind.Method, $"M{slot}", null, new VectorBlob(VectorFormat.Half, new byte[8]), 1, slot);

    private static VectorCache.SnapshotView ViewOf(params VectorCache.Entry[] entries) =>
        new(entries, entries.ToDictionary(e => e.Id), null, entries, entries);

    [Fact]
    public void A_filter_is_applied_once_per_view_and_a_new_view_applies_it_again()
    {
        var view = ViewOf(EntryOf(0, "src/a.cs", "csharp"), EntryOf(1, "src/b.py", "python"), EntryOf(2, "web/c.cs", "csharp"));
        var calls = 0;
        bool CSharp(VectorCache.Entry e)
        {
            calls++;
            return e.Language == "csharp";
        }

        var first = view.Filtered("csharp", CSharp);
        var again = view.Filtered("csharp", CSharp);
        Assert.Equal(["c0", "c2"], first.Select(e => e.Id));
        Assert.Same(first, again);
        Assert.Equal(3, calls);

        var next = ViewOf([.. view.Entries, EntryOf(3, "src/d.cs", "csharp")]);
        Assert.Equal(["c0", "c2", "c3"], next.Filtered("csharp", CSharp).Select(e => e.Id));
        Assert.Equal(7, calls);
    }

    [Fact]
    public void Past_the_kept_number_of_filters_the_oldest_is_computed_again()
    {
        var view = ViewOf(EntryOf(0, "src/a.cs", "csharp"));
        var calls = 0;
        bool Any(VectorCache.Entry e)
        {
            calls++;
            return true;
        }

        var oldest = view.Filtered("f0", Any);
        for (var i = 1; i <= VectorCache.SnapshotView.FiltersKept; i++)
        {
            view.Filtered($"f{i}", Any);
        }
        Assert.Equal(VectorCache.SnapshotView.FiltersKept + 1, calls);
        var recomputed = view.Filtered("f0", Any);
        Assert.NotSame(oldest, recomputed);
        Assert.Equal(VectorCache.SnapshotView.FiltersKept + 2, calls);
        Assert.Same(recomputed, view.Filtered("f0", Any));
    }

    [Fact]
    public void The_languages_held_are_known_case_insensitively()
    {
        var view = ViewOf(EntryOf(0, "src/a.cs", "csharp"), EntryOf(1, "src/b.py", "python"));
        Assert.True(view.Languages.Contains("CSharp"));
        Assert.False(view.Languages.Contains("go"));
    }
}
