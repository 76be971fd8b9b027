using Microsoft.Data.Sqlite;

namespace Stance.Journal;

/// <summary>A journal opened for look-ups only.</summary>
internal sealed class ReadOnlyResultStore(SqliteConnection connection) : IDisposable
{
    private readonly SqliteCommand _find = ResultStore.PrepareFind(connection);

    /// <summary>The answer recorded under <paramref name="cacheKey"/>, or null.</summary>
    public StoredAnswer? Find(string cacheKey) => ResultStore.Find(_find, cacheKey);

    public void Dispose()
    {
        _find.Dispose();
        connection.Dispose();
    }
}
