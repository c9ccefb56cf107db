using System.IO.Pipelines;
using SemanticSearch.Server;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

// stdout carries the protocol and nothing else: anything that writes to Console.Out goes to stderr instead.
var stdout = Console.OpenStandardOutput();
var stdin = Console.OpenStandardInput();
Console.SetOut(Console.Error);

var formatter = new SystemTextJsonFormatter();
var json = new System.Text.Json.JsonSerializerOptions(formatter.JsonSerializerOptions);
ProtocolJson.Configure(json);
formatter.JsonSerializerOptions = json;

LanguageServer? server = null;
var input = new FramedInput(stdin, message => server?.Log(MessageType.Warning, message));
var handler = new HeaderDelimitedMessageHandler(PipeWriter.Create(stdout), input.Reader, formatter);
using var rpc = new LspJsonRpc(handler);
server = new LanguageServer(rpc);
rpc.AddLocalRpcTarget(server, new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
rpc.StartListening();
using var stop = new CancellationTokenSource();
var pump = input.PumpAsync(stop.Token);

// Exit on the exit notification, or when the client closes our input (it crashed or forgot to say exit).
var finished = await Task.WhenAny(server.Exited, rpc.Completion);
var exitCode = finished == server.Exited ? await server.Exited : 1;
server.Dispose();
await stop.CancelAsync();
_ = pump;
return exitCode;
