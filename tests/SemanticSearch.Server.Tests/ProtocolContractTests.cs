using System.Reflection;
using System.Text.Json;
using SemanticSearch.Server.Protocol;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests;

/// <summary>
/// The custom protocol's fields, as they go on the wire (camelCase), pinned in
/// <c>tests/fixtures/contract/protocol.json</c>. This test checks the C# types against it; the VS Code client's unit
/// tests check <c>client-vscode/src/logic/protocol.ts</c> against the same file. A field added on one side only
/// fails one of them.
/// </summary>
public sealed class ProtocolContractTests
{
    private static readonly Type[] ContractTypes =
    [
        typeof(SearchParams), typeof(SearchFilterParams), typeof(SearchResultSet), typeof(SearchHit), typeof(MatchedToken),
        typeof(Coverage), typeof(StatusResult), typeof(FolderStatus), typeof(ReindexParams), typeof(ReindexResult),
        typeof(FolderReindexResult), typeof(ResultOpenedParams), typeof(ResultOpenedResult),
    ];

    private static string FixturePath => Path.Combine(RepoPaths.Fixtures, "contract", "protocol.json");

    /// <summary>Every class of the protocol file is in the contract (a new request type cannot be forgotten).</summary>
    [Fact]
    public void Every_protocol_type_is_in_the_contract()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "server", "SemanticSearch.Server", "Protocol", "SemanticSearchTypes.cs"));
        var declared = System.Text.RegularExpressions.Regex.Matches(source, @"public sealed class (\w+)").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(declared, ContractTypes.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_csharp_types_match_the_contract_fixture()
    {
        var actual = ContractTypes.ToDictionary(
            t => t.Name,
            t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order(StringComparer.Ordinal).ToList());
        var expectedText = JsonSerializer.Serialize(actual, new JsonSerializerOptions { WriteIndented = true });
        using var fixture = JsonDocument.Parse(File.ReadAllText(FixturePath));
        var pinned = fixture.RootElement.GetProperty("types").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToList());
        Assert.True(
            pinned.Count == actual.Count && actual.All(kv => pinned.TryGetValue(kv.Key, out var fields) && fields.SequenceEqual(kv.Value)),
            $"The protocol types changed: update \"types\" in {FixturePath} (and client-vscode/src/logic/protocol.ts) to:\n{expectedText}");
    }
}
