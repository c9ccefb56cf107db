using System.Reflection;
using System.Text.Json;
using SemanticSearch.Server.Handlers;
using SemanticSearch.Server.Handlers.Lifecycle;
using SemanticSearch.Server.Protocol;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Server.Tests.Handlers;

/// <summary>The handler table is the one list of methods: nothing answers outside it, nothing in it is answered twice.</summary>
public sealed class HandlerTableTests
{
    private static readonly Assembly Server = typeof(HandlerTable).Assembly;

    [Fact]
    public void Every_handler_class_is_in_the_table_once_with_its_own_method()
    {
        var declared = Server.GetTypes().Where(t => t.GetCustomAttribute<LspMethodAttribute>() is not null).OrderBy(t => t.Name).ToList();
        Assert.Equal(declared, HandlerTable.HandlerTypes.OrderBy(t => t.Name));
        var names = HandlerTable.HandlerTypes.Select(t => HandlerTable.MethodOf(t).Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Each_handler_answers_one_method_is_built_from_the_session_and_lives_in_the_folder_of_its_method()
    {
        foreach (var type in HandlerTable.HandlerTypes)
        {
            var contracts = type.GetInterfaces().Where(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) || i.GetGenericTypeDefinition() == typeof(INotificationHandler<>))).ToList();
            Assert.True(contracts.Count == 1, $"{type.Name} must implement exactly one handler interface");
            Assert.NotNull(type.GetConstructor([typeof(ServerSession)]));
            Assert.True(type.IsSealed, type.Name);
            // Handlers/<Area>/<Name>Handler.cs: the area is the method's prefix ("textDocument/didSave" → TextDocument).
            var method = HandlerTable.MethodOf(type).Name;
            var area = method.Contains('/') ? method[..method.LastIndexOf('/')].Split('/')[0] : "Lifecycle";
            Assert.Equal($"SemanticSearch.Server.Handlers.{char.ToUpperInvariant(area[0])}{area[1..]}", type.Namespace);
            var file = Path.Combine(RepoPaths.Root, "server", "SemanticSearch.Server", "Handlers", type.Namespace!.Split('.')[^1], type.Name + ".cs");
            Assert.True(File.Exists(file), $"{type.Name} is not in {file}");
        }
    }

    [Fact]
    public void Only_the_lifecycle_messages_bypass_the_lifecycle_rule()
    {
        var lifecycle = HandlerTable.HandlerTypes.Where(t => HandlerTable.MethodOf(t).Lifecycle).Select(t => HandlerTable.MethodOf(t).Name).Order(StringComparer.Ordinal);
        Assert.Equal(["exit", "initialize", "shutdown"], lifecycle);
    }

    [Fact]
    public void Reads_and_queued_work_do_not_wait_for_mutations()
    {
        // A search, a status or a reindex must never queue behind a settings change or a folder change.
        var mutating = HandlerTable.HandlerTypes.Where(t => HandlerTable.MethodOf(t).MutatesState).Select(t => HandlerTable.MethodOf(t).Name).ToHashSet();
        Assert.DoesNotContain(Methods.Search, mutating);
        Assert.DoesNotContain(Methods.Status, mutating);
        Assert.DoesNotContain(Methods.Reindex, mutating);
        Assert.Contains("workspace/didChangeWorkspaceFolders", mutating);
        Assert.Contains("workspace/didChangeConfiguration", mutating);
    }

    [Fact]
    public void The_custom_methods_are_the_methods_constants_the_capabilities_and_the_contract_fixture()
    {
        var constants = typeof(Methods).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(Methods.Prefix)).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(constants, HandlerTable.CustomMethods.Order(StringComparer.Ordinal));
        Assert.Equal(HandlerTable.CustomMethods, InitializeHandler.Capabilities.Experimental.SemanticSearch.Methods);
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "contract", "protocol.json")));
        Assert.Equal(constants, fixture.RootElement.GetProperty("methods").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
    }
}
