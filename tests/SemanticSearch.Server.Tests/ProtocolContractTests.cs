using System.Reflection;
using System.Text.Json;
using SemanticSearch.Engine.Chunking;
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
        typeof(FolderReindexResult), typeof(ResultOpenedParams), typeof(ResultOpenedResult), typeof(PauseIndexingResult),
        typeof(CancelIndexingParams), typeof(CancelIndexingResult),
    ];

    private static string FixturePath => Path.Combine(RepoPaths.Fixtures, "contract", "protocol.json");

    /// <summary>Every class of the protocol file is in the contract (a new request type cannot be forgotten).</summary>
    [Fact]
    public void Every_protocol_type_is_in_the_contract()
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "server", "SemanticSearch.Protocol", "SemanticSearchTypes.cs"));
        var declared = System.Text.RegularExpressions.Regex.Matches(source, @"public sealed class (\w+)").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(declared, ContractTypes.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The enums as the server writes them (through the transport's serializer settings), against the fixture.</summary>
    [Fact]
    public void The_enums_go_on_the_wire_as_the_contract_fixture_names_them()
    {
        var json = new JsonSerializerOptions();
        ProtocolJson.Configure(json);
        using var fixture = JsonDocument.Parse(File.ReadAllText(FixturePath));
        var pinned = fixture.RootElement.GetProperty("enums");
        static List<string> Listed(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetString()!)];

        // The engine's kinds, as the server sends them (HitKinds maps by name), and the protocol's own list: both as pinned.
        var hitKinds = Enum.GetValues<ChunkKind>().Select(kind => JsonSerializer.SerializeToElement(Hit(HitKinds.From(kind)), json).GetProperty("kind").GetString()!).ToList();
        Assert.Equal(Listed(pinned.GetProperty(nameof(ChunkKind))), hitKinds);
        Assert.Equal(Listed(pinned.GetProperty(nameof(ChunkKind))), Enum.GetNames<HitKind>());
        var states = Enum.GetValues<FolderState>().Select(state => JsonSerializer.Serialize(state, json).Trim('"')).ToList();
        Assert.Equal(Listed(pinned.GetProperty(nameof(FolderState))), states);
        var errorKinds = Enum.GetValues<FolderErrorKind>().Select(kind => JsonSerializer.Serialize(kind, json).Trim('"')).ToList();
        Assert.Equal(Listed(pinned.GetProperty(nameof(FolderErrorKind))), errorKinds);
        // Every enum the fixture pins is checked above (a new one cannot be pinned and forgotten here).
        Assert.Equal(["ChunkKind", "FolderErrorKind", "FolderState"], pinned.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(FolderState.Ready, JsonSerializer.Deserialize<FolderState>("\"ready\"", json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<FolderState>("3", json)); // names only, never numbers
        Assert.Equal("{\"token\":\"t\",\"value\":{\"kind\":\"begin\"}}",
            JsonSerializer.Serialize(new ProgressParams { Token = "t", Value = new WorkDoneProgressValue { Kind = ProgressKind.Begin } }, json));
    }

    private static SearchHit Hit(HitKind kind) => new()
    {
        ResultId = "q.1",
        Uri = "file:///a",
        Folder = "file:///",
        Path = "a",
        Range = new LspRange(new Position(0, 0), new Position(0, 1)),
        Kind = kind,
        Language = "csharp",
        Snippet = "",
        Matches = [],
    };

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
