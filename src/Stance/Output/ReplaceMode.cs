namespace Stance.Output;

/// <summary>What a run's commit replaces in its run date's partition (<c>Stance:Output:Replace</c>).</summary>
internal enum ReplaceMode
{
    /// <summary>The rows of the documents this run read; the date's other rows stay (upsert by document). The
    /// default.</summary>
    Documents,

    /// <summary>Every earlier row of the date: the run is a full snapshot of its date.</summary>
    Date,
}
