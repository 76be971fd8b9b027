using Stance.Hosting;

using var host = StanceApp.CreateBuilder(args).Build();
return await StanceApp.RunAsync(host).ConfigureAwait(false);
