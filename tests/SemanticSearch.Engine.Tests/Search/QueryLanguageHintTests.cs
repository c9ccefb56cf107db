using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>A language named in a query becomes a filter and leaves the scored text (search and eval alike).</summary>
public sealed class QueryLanguageHintTests
{
    private static readonly HashSet<string> Indexed = ["python", "go", "csharp", "cpp", "javascript", "java", "rust"];

    [Theory]
    [InlineData("python check if file exists", "check if file exists", "python")]
    [InlineData("read a file line by line in python", "read a file line by line", "python")]
    [InlineData("Python3 sort dict by value", "sort dict by value", "python")]
    [InlineData("python's list comprehension with if", "list comprehension with if", "python")]
    [InlineData("parse json using golang", "parse json", "go")]
    [InlineData("c# string to int", "string to int", "csharp")]
    [InlineData("sort a vector C++", "sort a vector", "cpp")]
    [InlineData("js debounce function", "debounce function", "javascript")]
    [InlineData("rust parse command line args", "parse command line args", "rust")]
    public void A_named_language_that_is_indexed_becomes_the_filter(string query, string text, string language)
    {
        var intent = QueryLanguageHint.Parse(query, Indexed.Contains);
        Assert.Equal(text, intent.Text);
        Assert.Equal([language], intent.Languages);
    }

    [Theory]
    [InlineData("go to the next page")]          // "go" is an ordinary word
    [InlineData("pythonic way to merge dicts")]  // not the name itself
    [InlineData("javascripts loader")]
    [InlineData("call a ruby script")]           // ruby is not indexed here
    [InlineData("cache with a c struct")]
    [InlineData("javascript.min bundle")]        // part of a file name
    public void Other_queries_are_left_alone(string query)
    {
        var intent = QueryLanguageHint.Parse(query, Indexed.Contains);
        Assert.Equal(query, intent.Text);
        Assert.Empty(intent.Languages);
    }

    [Fact]
    public void Two_languages_filter_to_both_and_a_bare_name_is_still_searched_as_text()
    {
        var both = QueryLanguageHint.Parse("java or c# http client", Indexed.Contains);
        Assert.Equal(["java", "csharp"], both.Languages);
        Assert.Equal("or http client", both.Text);

        var bare = QueryLanguageHint.Parse("python", Indexed.Contains);
        Assert.Equal("python", bare.Text);
        Assert.Equal(["python"], bare.Languages);
    }

    [Fact]
    public void Workspace_search_filters_by_the_named_language_unless_told_not_to()
    {
        using var repo = new SampleRepo();
        using var ws = SemanticWorkspace.Open(new WorkspaceOptions(repo.Root, TinyModel.ColbertFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu)));
        ws.Index();

        var hinted = ws.Search("python validate an email address", 10);
        Assert.Equal(["python"], hinted.LanguagesFromQuery);
        Assert.Equal("validate an email address", hinted.ScoredText);
        Assert.NotEmpty(hinted.Results);
        Assert.All(hinted.Results, r => Assert.Equal("python", r.Chunk.Language));

        var asTyped = ws.Search("python validate an email address", 10, new SearchFilters(LanguageFromQuery: false));
        Assert.Empty(asTyped.LanguagesFromQuery);
        Assert.Equal("python validate an email address", asTyped.ScoredText);
        Assert.Contains(asTyped.Results, r => r.Chunk.Language != "python");

        // An explicit language filter wins; the query text is kept as typed.
        var explicitFilter = ws.Search("python validate an email address", 10, new SearchFilters(["csharp"]));
        Assert.Empty(explicitFilter.LanguagesFromQuery);
        Assert.All(explicitFilter.Results, r => Assert.Equal("csharp", r.Chunk.Language));

        // Kotlin is not in the sample repository: nothing to filter to, so the query is searched as typed.
        var absent = ws.Search("kotlin validate an email address", 10);
        Assert.Empty(absent.LanguagesFromQuery);
        Assert.Equal("kotlin validate an email address", absent.ScoredText);
        Assert.Contains(absent.Results, r => r.Chunk.Language != "python");
    }
}
