using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Stance.Tests.Support;

namespace Stance.Tests.Alerts;

/// <summary>A loopback webhook that records each POST (body and query) and answers with the status
/// <see cref="Status"/> gives for the request's number (1-based).</summary>
internal sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private WebhookListener(WebApplication app) => _app = app;

    /// <summary>The status for the nth request; 200 by default.</summary>
    public Func<int, int> Status { get; set; } = _ => 200;

    /// <summary>Every request: its number, query string and body.</summary>
    public ConcurrentQueue<(int Number, string Query, string Body)> Requests { get; } = new();

    /// <summary>The hook's URL with <paramref name="token"/> in its query, as a secret-holding webhook's.</summary>
    public string Url(string token) => $"{_app.Urls.First()}/hooks/stance?token={token}";

    public static async Task<WebhookListener> StartAsync()
    {
        var app = LoopbackServer.Create();
        var listener = new WebhookListener(app);
        app.MapPost("/hooks/stance", listener.HandleAsync);
        await app.StartAsync();
        return listener;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var number = Interlocked.Increment(ref _count);
        Requests.Enqueue((number, context.Request.QueryString.Value ?? string.Empty, body));
        context.Response.StatusCode = Status(number);
        await context.Response.WriteAsync("{}");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
