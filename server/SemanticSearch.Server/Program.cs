using System.IO.Pipelines;
using SemanticSearch.Server;
using SemanticSearch.Server.Handlers;
using SemanticSearch.Server.Protocol;
using SemanticSearch.Server.Transport;
using StreamJsonRpc;

StartupClock.Start();

// stdout carries the protocol and nothing else: anything that writes to Console.Out goes to stderr instead.
var stdout = Console.OpenStandardOutput();
var stdin = Console.OpenStandardInput();
Console.SetOut(Console.Error);

var formatter = new SystemTextJsonFormatter();
var json = new System.Text.Json.JsonSerializerOptions(formatter.JsonSerializerOptions);
ProtocolJson.Configure(json);
formatter.JsonSerializerOptions = json;

// How a CLI run or another window that finds this server writing an index names it (IndexLock's holder file).
SemanticSearch.Engine.Index.IndexLock.ProgramName = "the SemanticSearch language server of an editor window";

ServerSession? session = null;
void Report(string message) => session?.Client.Log(MessageType.Warning, message);
var input = new FramedInput(stdin, Report);
var handler = new LspMessageHandler(PipeWriter.Create(stdout), input.Reader, formatter, Report);
using var rpc = new LspJsonRpc(handler);
session = new ServerSession(rpc, json);
HandlerTable.Bind(rpc, session, json);
// When StreamJsonRpc ends the connection itself (a stream or protocol error, not the client closing our input),
// the process exits 1; stderr, which the editor shows as the server's output, says why.
rpc.Disconnected += (_, e) =>
{
    if (e.Reason is not (DisconnectedReason.RemotePartyTerminated or DisconnectedReason.LocallyDisposed))
    {
        Console.Error.WriteLine($"[semantic-search] The connection ended ({e.Reason}): {e.Description}");
    }
};
rpc.StartListening();
using var stop = new CancellationTokenSource();
var pump = input.PumpAsync(stop.Token);

// Exit on the exit notification, or when the client closes our input (it crashed or forgot to say exit).
var finished = await Task.WhenAny(session.Lifecycle.Exited, rpc.Completion);
var exitCode = finished == session.Lifecycle.Exited ? await session.Lifecycle.Exited : 1;
session.Dispose();
await stop.CancelAsync();
_ = pump;
return exitCode;
