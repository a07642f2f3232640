using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NnRnn.Tests.Data;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 and a free port, written on raw sockets so a test can
/// misbehave on purpose (announce more bytes than it sends, then hang up). Unknown paths get 404.
/// </summary>
internal sealed class FakeHttpServer : IDisposable
{
    private sealed record Route(byte[] Body, int BytesToSend);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, Route> _routes = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeHttpServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>The server's base URL plus <paramref name="prefix"/> (a folder, ending in '/').</summary>
    public string Url(string prefix = "") => $"http://127.0.0.1:{Port}/{prefix}";

    /// <summary>Paths requested so far, in order.</summary>
    public string[] Requests => [.. _requests];

    public void Serve(string path, byte[] body) => _routes["/" + path.TrimStart('/')] = new(body, body.Length);

    /// <summary>Announces the whole body in Content-Length but sends only <paramref name="sent"/> bytes, then closes.</summary>
    public void ServeDropped(string path, byte[] body, int sent) => _routes["/" + path.TrimStart('/')] = new(body, sent);

    /// <summary>An HttpClient that talks to this server directly (no proxy from the environment).</summary>
    public static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                string path = await ReadRequestPath(stream);
                _requests.Enqueue(path);
                if (!_routes.TryGetValue(path, out var route))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    return;
                }
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {route.Body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(route.Body.AsMemory(0, route.BytesToSend));
                await stream.FlushAsync();
            }
            catch (IOException) { }   // the client may hang up first; nothing to report
        }
    }

    /// <summary>Reads the request head (up to the blank line) and returns the path of its request line.</summary>
    private static async Task<string> ReadRequestPath(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(one) == 0) break;
            head.Add(one[0]);
        }
        string requestLine = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0];
        var parts = requestLine.Split(' ');
        return parts.Length > 1 ? parts[1] : "";
    }

    private static bool EndsWithBlankLine(List<byte> h) =>
        h.Count >= 4 && h[^4] == '\r' && h[^3] == '\n' && h[^2] == '\r' && h[^1] == '\n';
}
