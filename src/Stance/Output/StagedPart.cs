using Stance.Storage.Objects;

namespace Stance.Output;

/// <summary>A part written but not yet visible.</summary>
/// <param name="Part">The path it is committed to, relative to the dataset's root.</param>
/// <param name="Temporary">Local output: the hidden temporary file it is renamed from.</param>
/// <param name="Upload">Object store: the staged upload that completing makes visible.</param>
internal sealed record StagedPart(string Part, string? Temporary = null, PendingUpload? Upload = null);
