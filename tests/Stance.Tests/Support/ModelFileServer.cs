using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Stance.Tests.Support;

/// <summary>A Hugging Face-like file server (<c>/{repo}/resolve/{revision}/{file}</c>) over real HTTP, honouring
/// <c>Range</c>, that can cut a transfer short to simulate a dropped connection.</summary>
internal sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModelFileServer(WebApplication app) => _app = app;

    /// <summary>The base URL (the hub endpoint).</summary>
    public string Endpoint { get; private set; } = string.Empty;

    /// <summary>The bytes served for every path.</summary>
    public byte[] Content { get; set; } = [];

    /// <summary>When set, the next this-many responses stop after sending this many bytes of their body and
    /// abort.</summary>
    public (int Responses, int Bytes) CutShort { get; set; }

    /// <summary>Every request: its path, its Range header and the Authorization header's scheme.</summary>
    public ConcurrentQueue<(string Path, string? Range, string? Authorization)> Requests { get; } = new();

    public static async Task<ModelFileServer> StartAsync()
    {
        var app = LoopbackServer.Create();
        var server = new ModelFileServer(app);
        app.MapGet("/{**path}", server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = app.Urls.First();
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var range = context.Request.Headers.Range.ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue(
            (context.Request.Path, range.Length > 0 ? range : null, authorization.Length > 0 ? authorization : null));
        if (!context.Request.Path.Value!.Contains("/resolve/", StringComparison.Ordinal) || Content.Length == 0)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var from = range.StartsWith("bytes=", StringComparison.Ordinal)
            ? long.Parse(range[6..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        if (from >= Content.Length && from > 0)
        {
            context.Response.StatusCode = 416;
            return;
        }

        context.Response.StatusCode = from > 0 ? 206 : 200;
        context.Response.ContentLength = Content.Length - from;
        var cut = CutShort;
        if (cut.Responses > 0)
        {
            CutShort = (cut.Responses - 1, cut.Bytes);
            await context.Response.Body.WriteAsync(
                Content.AsMemory((int)from, Math.Min(cut.Bytes, Content.Length - (int)from)));
            await context.Response.Body.FlushAsync();

            // Let the client read what was sent before the reset (a reset discards data the client has not read).
            await Task.Delay(300);
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(Content.AsMemory((int)from));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
