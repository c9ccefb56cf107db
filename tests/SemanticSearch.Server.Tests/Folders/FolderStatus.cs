using System.Text.Json;

namespace SemanticSearch.Server.Tests.Folders;

/// <summary>Polls <c>semanticSearch/status</c> for the first folder's state (states that <see cref="LspClient.WaitReadyAsync"/> stops at, such as error).</summary>
public static class FolderStatus
{
    public static async Task<JsonElement> WaitForAsync(LspClient client, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var status = await client.RequestAsync("semanticSearch/status");
            var folder = status.GetProperty("folders").EnumerateArray().FirstOrDefault();
            if (folder.ValueKind == JsonValueKind.Object && match(folder))
            {
                return folder;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No such folder state: {status}\n{client.Stderr}");
            }
            await Task.Delay(100);
        }
    }
}
