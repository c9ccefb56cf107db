using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Search;

/// <summary>
/// The path filters that drop chunks (excluded globs, tests) on a real index of the sample repository plus a few
/// test files: each retriever applies them (the model alone, the lexical index alone, both), and a filter is never
/// answered with the entries another filter kept.
/// </summary>
public sealed class SearchFilterTests : IDisposable
{
    private const string Query = "validate an email address";
    private readonly SampleRepo _repo = new();
    private readonly SemanticWorkspace _workspace;

    public SearchFilterTests()
    {
        _repo.Write("tests/Mail/EmailValidatorTests.cs", string.Join('\n',
            "namespace Acme.Mail.Tests;",
            "public sealed class EmailValidatorTests",
            "{",
            "    /// <summary>A valid email address is accepted by the email validator.</summary>",
            "    public void Validate_email_address_accepts_a_plain_address() => Assert.True(EmailValidator.IsValidEmail(\"ann@example.com\"));",
            "}",
            ""));
        _repo.Write("src/Mail/EmailParserSpec.cs", string.Join('\n',
            "namespace Acme.Mail;",
            "public sealed class EmailParserSpec",
            "{",
            "    /// <summary>Validate an email address with a plus sign in it.</summary>",
            "    public void Validates_an_email_address_with_a_plus() => Assert.True(EmailValidator.IsValidEmail(\"a+b@example.com\"));",
            "}",
            ""));
        _repo.Write("web/src/api/client.test.js",
            "// Validate email address input of the client form.\ntest('validate email address', () => { expect(validateEmailAddress('a@b.co')).toBe(true); });\n");
        _workspace = SemanticWorkspace.Open(new WorkspaceOptions(_repo.Root, TinyModel.ColbertFolder, Encoder: new EncoderOptions(ExecutionProvider.Cpu)));
        _workspace.Index();
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _repo.Dispose();
    }

    public static TheoryData<string> Systems => ["hybrid", "model", "lexical"];

    private List<string> Paths(SearchFilters filters, string system = "hybrid") =>
        _workspace.Search(Query, 50, filters, ranking: RankingOptions.Named[system]).Results.Select(r => r.Chunk.Path).Distinct().ToList();

    [Theory]
    [MemberData(nameof(Systems))]
    public void Excluding_tests_drops_the_files_the_ranker_penalizes_as_tests_on_each_side(string system)
    {
        var all = Paths(SearchFilters.None, system);
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", all); // each side finds the tests unfiltered...
        var noTests = Paths(new SearchFilters(ExcludeTests: true), system);
        Assert.NotEmpty(noTests);
        // ...and drops them filtered: by folder (tests/), by file name (Spec, .test.js), by the same rule as the ranker.
        Assert.All(noTests, p => Assert.NotEqual(PathRole.Test, PathRoles.Of(p)));
        Assert.DoesNotContain("src/Mail/EmailParserSpec.cs", noTests);
        Assert.DoesNotContain("web/src/api/client.test.js", noTests);
        Assert.Contains("src/Mail/EmailValidator.cs", noTests);
    }

    [Theory]
    [MemberData(nameof(Systems))]
    public void Excluded_globs_drop_every_path_any_of_them_matches_on_each_side(string system)
    {
        var all = Paths(SearchFilters.None, system);
        Assert.Contains(all, p => p.StartsWith("src/", StringComparison.Ordinal));
        Assert.Contains(all, p => p.EndsWith(".js", StringComparison.Ordinal));

        var remaining = Paths(new SearchFilters(ExcludeGlobs: ["src/**", "*.js"]), system);
        Assert.NotEmpty(remaining);
        Assert.DoesNotContain(remaining, p => p.StartsWith("src/", StringComparison.Ordinal) || p.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", remaining);
    }

    [Fact]
    public void Excluding_narrows_what_is_searched_and_combines_with_the_other_filters()
    {
        var everything = _workspace.Search(Query, 5, SearchFilters.None).ChunksSearched;
        Assert.True(_workspace.Search(Query, 5, new SearchFilters(ExcludeTests: true)).ChunksSearched < everything);

        // Under src/, C# only, no tests and nothing of Billing: just the validator is left of what matches.
        var narrow = Paths(new SearchFilters(["csharp"], "src/**", ExcludeGlobs: ["src/Billing/**"], ExcludeTests: true));
        Assert.Equal(["src/Mail/EmailValidator.cs"], narrow);
    }

    [Fact]
    public void Filters_that_differ_only_in_the_new_fields_are_not_answered_from_each_others_memo()
    {
        // One snapshot remembers the entries of each filter it saw: the key must tell these apart.
        var csharp = new SearchFilters(["csharp"]);
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", Paths(csharp));
        Assert.DoesNotContain("tests/Mail/EmailValidatorTests.cs", Paths(csharp with { ExcludeTests = true }));
        var withoutTestsFolder = Paths(csharp with { ExcludeGlobs = ["tests/**"] });
        Assert.DoesNotContain("tests/Mail/EmailValidatorTests.cs", withoutTestsFolder);
        Assert.Contains("src/Mail/EmailParserSpec.cs", withoutTestsFolder);
        Assert.Contains("src/Mail/EmailParserSpec.cs", Paths(csharp with { ExcludeGlobs = ["web/**"] }));
        Assert.Contains("tests/Mail/EmailValidatorTests.cs", Paths(csharp));
    }

    [Fact]
    public void A_bad_excluded_glob_is_an_argument_error_that_names_the_glob()
    {
        var error = Assert.Throws<ArgumentException>(() => _workspace.Search(Query, 5, new SearchFilters(ExcludeGlobs: ["*.{cs,js"])));
        Assert.Contains("'*.{cs,js'", error.Message);
    }
}
