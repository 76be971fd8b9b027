"""Example (not run by CI): load Stance's tables with DuckDB and pandas, and draw a stance strip.

Needs, where it runs: pip install duckdb pandas pyarrow matplotlib
Usage:   python notebooks/stance_strip.py [out] [document_id]
"""
import sys

import duckdb
import matplotlib.pyplot as plt
import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else "out"

# DuckDB: the latest run date, straight from the Hive-partitioned files.
con = duckdb.connect()
paragraphs = con.sql(f"""
    SELECT * FROM read_parquet('{out}/paragraphs/**/*.parquet', hive_partitioning = true)
    WHERE run_date = (SELECT max(run_date) FROM read_parquet('{out}/paragraphs/**/*.parquet', hive_partitioning = true))
""").df()
print(paragraphs.groupby(["status", "sentiment_label"], dropna=False).size())

# pandas (pyarrow): the whole targets table; run_date comes back as a column from the folder names.
targets = pd.read_parquet(f"{out}/targets")
targets = targets[targets["run_id"].isin(paragraphs["run_id"].unique())]

document = sys.argv[2] if len(sys.argv) > 2 else paragraphs["document_id"].iloc[0]
strip = (targets[targets["document_id"] == document]
         .pivot_table(index="target", columns="paragraph_index", values="stance_score"))

fig, ax = plt.subplots(figsize=(max(4, strip.shape[1] * 0.6), max(2, strip.shape[0] * 0.5)))
image = ax.imshow(strip.values, cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
ax.set_xticks(range(strip.shape[1]), strip.columns)
ax.set_yticks(range(strip.shape[0]), strip.index)
ax.set_xlabel("paragraph index")
ax.set_title(f"Stance strip: {document}")
fig.colorbar(image, label="stance score (against … favor)")
fig.tight_layout()
fig.savefig("stance_strip.png", dpi=120)
print("wrote stance_strip.png")
