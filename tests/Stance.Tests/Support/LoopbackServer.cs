using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Stance.Tests.Support;

/// <summary>A quiet Kestrel application on a free loopback port, for the test servers.</summary>
internal static class LoopbackServer
{
    /// <summary>Builds the application; the caller maps its routes and starts it.</summary>
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        return builder.Build();
    }
}
