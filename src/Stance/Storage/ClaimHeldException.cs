namespace Stance.Storage;

/// <summary>Another run holds the claim; nothing was called or written.</summary>
internal sealed class ClaimHeldException(string what, string holder, Exception inner)
    : IOException($"{what} is in use by another run ({holder}); this run made no call and wrote nothing", inner);
