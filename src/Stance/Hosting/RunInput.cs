using Stance.Documents;
using Stance.Storage.Objects;

namespace Stance.Hosting;

/// <summary>The local folder a run reads: the input folder itself, or the local copy of an object-store input
/// (<see cref="InputMirror"/>) in the run's state folder.</summary>
internal static class RunInput
{
    /// <summary>Brings an object-store input up to date locally (in <paramref name="folder"/>, by default the run's
    /// state folder, which only a run holding the output's claim may use); returns the folder to read.</summary>
    public static async Task<string> PrepareAsync(
        RunSettings settings,
        IObjectStores stores,
        CancellationToken cancellationToken,
        string? folder = null)
    {
        if (settings.InputStore is not { } location)
        {
            return settings.Input;
        }

        folder ??= Path.Combine(settings.StateFolder, "input");
        await InputMirror.SyncAsync(stores.Open(location), folder, cancellationToken).ConfigureAwait(false);
        return folder;
    }
}
