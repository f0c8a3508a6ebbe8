# Generates the tiny Parquet fixtures the LakeTests use (pyarrow).
# Run from anywhere: python3 Fixtures/lake-tests/generate.py
import math, os
import pyarrow as pa
import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))

def write(rel, table, **kw):
    path = os.path.join(here, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, compression="snappy", **kw)

# Schema evolution: int32 -> int64, float32 -> float64, a column added later.
write("evolve/a.parquet", pa.table({
    "id": pa.array([1, 2, 3], pa.int32()),
    "x": pa.array([1.5, 2.5, 3.5], pa.float32()),
    "name": pa.array(["a", "b", None]),
}))
write("evolve/b.parquet", pa.table({
    "id": pa.array([4, 5], pa.int64()),
    "extra": pa.array(["p", "q"]),
    "x": pa.array([4.25, 5.25], pa.float64()),
}))
# Integer and double columns of one name widen to double.
write("widen/c.parquet", pa.table({"v": pa.array([1, 2], pa.int64())}))
write("widen/d.parquet", pa.table({"v": pa.array([2.5], pa.float64())}))
# Incompatible types.
write("clash/e.parquet", pa.table({"k": pa.array([1], pa.int32())}))
write("clash/f.parquet", pa.table({"k": pa.array(["one"])}))

# Statistics: 4 row groups of 10 rows.
n = list(range(40))
s = ["s%02d" % i for i in n]
f = [float(i) for i in n]
f[35] = math.nan          # NaN only in row group 3
z = [None] * 10 + list(range(10, 40))  # row group 0 all NULL
write("stats/data.parquet", pa.table({
    "n": pa.array(n, pa.int64()),
    "s": pa.array(s),
    "f": pa.array(f, pa.float64()),
    "z": pa.array(z, pa.int64()),
}), row_group_size=10)
write("nostats/data.parquet", pa.table({"n": pa.array(n, pa.int64())}), row_group_size=10, write_statistics=False)

# Hive partitions: integer keys, NULL partition, URL-encoded text keys.
for k, vals in [("1", [10, 11]), ("2", [20]), ("__HIVE_DEFAULT_PARTITION__", [99])]:
    for region in ["eu", "a%2Fb"]:
        write(f"hive/k={k}/region={region}/part-0.parquet", pa.table({"v": pa.array(vals, pa.int64())}))

# Text fixtures (text/sales.csv and its .gz/.zst copies) are written by hand:
#   gzip -kn text/sales.csv && zstd -q text/sales.csv -o text/sales.csv.zst
