using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Escalation.Functions.Tests.Sending;

/// <summary>
/// A minimal SMTP server that accepts one message per connection and then closes it without a word, the way servers
/// drop clients that stay idle: the client only finds out when it next talks on the connection.
/// </summary>
internal sealed class HangingUpSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;
    private int _messages;

    public HangingUpSmtpServer()
    {
        _listener.Start();
        _loop = Task.Run(Accept);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public int Messages => Volatile.Read(ref _messages);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                await Serve(client);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Stopping, or the client went away first.
            }
        }
    }

    private async Task Serve(TcpClient client)
    {
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 hanging-up test server");
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            switch (line.Split(' ')[0].ToUpperInvariant())
            {
                case "DATA":
                    await writer.WriteLineAsync("354 go on");
                    while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                    {
                    }

                    Interlocked.Increment(ref _messages);
                    await writer.WriteLineAsync("250 queued");
                    return;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }
}
