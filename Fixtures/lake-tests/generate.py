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

# --- In-row-group skipping (page index, dictionary, bloom filters) ---------
import decimal, datetime

# Page index: 2 row groups of 500 rows, pages of 50 rows, page index written.
ids = list(range(1000))
maybe = [None if i < 200 else i for i in ids]          # null pages at the start
halves = [i / 2 for i in ids]
halves[510] = math.nan                                   # a NaN inside one page
grp = [("apple" if i % 2 else "cherry") if i < 500 else ("banana" if i % 2 else "date") for i in ids]
write("skipping/pages.parquet", pa.table({
    "id": pa.array(ids, pa.int64()),
    "down": pa.array([999 - i for i in ids], pa.int64()),
    "u": pa.array([3_000_000_000 + i for i in ids], pa.uint32()),
    "dec": pa.array([decimal.Decimal(i) * decimal.Decimal("1.25") for i in ids], pa.decimal128(9, 2)),
    "s": pa.array(["k%04d" % i for i in ids]),
    "maybe": pa.array(maybe, pa.int64()),
    "f": pa.array(halves, pa.float64()),
    "grp": pa.array(grp),
}), row_group_size=500, write_page_index=True, max_rows_per_page=50, use_dictionary=["grp"])

# The same rows without a page index (pyarrow's default): a reader locates the pages by walking
# their headers. v1 and v2 data pages.
pages_table = pq.read_table(os.path.join(here, "skipping/pages.parquet"))
write("skipping/pages_noindex.parquet", pages_table, row_group_size=500, max_rows_per_page=50, use_dictionary=["grp"])
write("skipping/pages_noindex_v2.parquet", pages_table, row_group_size=500, max_rows_per_page=50, use_dictionary=["grp"],
      data_page_version="2.0")

# Bloom filters on every hashable physical type; no dictionary, so only the filters can tell
# row groups apart: row group 0 holds the even keys, row group 1 the odd ones (same min/max ranges).
keys = [k for k in range(0, 1000, 2)] + [k for k in range(1, 1000, 2)]
keys[0], keys[499] = keys[499], keys[0]   # row group 0's min/max need not be its first/last value
f64 = [k * 0.5 for k in keys]
f64[500] = -0.0                           # a negative zero in row group 1 (key 1 -> -0.0)
epoch = datetime.datetime(2024, 1, 1)
cols = {
    "i32": pa.array(keys, pa.int32()),
    "i64": pa.array([k * 1_000_000_007 for k in keys], pa.int64()),
    "u32": pa.array([4_000_000_000 + k for k in keys], pa.uint32()),
    "f32": pa.array([k * 0.25 for k in keys], pa.float32()),
    "f64": pa.array(f64, pa.float64()),
    "s": pa.array(["key-%d" % k for k in keys]),
    "b": pa.array([b"\x00\xff" + k.to_bytes(2, "little") for k in keys], pa.binary()),
    "dec": pa.array([decimal.Decimal(k) / 100 for k in keys], pa.decimal128(10, 2)),
    "dt": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=k) for k in keys], pa.date32()),
    "ts": pa.array([epoch + datetime.timedelta(seconds=k) for k in keys], pa.timestamp("us")),
    "tsms": pa.array([epoch + datetime.timedelta(milliseconds=k) for k in keys], pa.timestamp("ms")),
}
write("skipping/bloom.parquet", pa.table(cols), row_group_size=500, use_dictionary=False,
      bloom_filter_options={name: {"ndv": 500, "fpp": 0.01} for name in cols})

# DuckDB writes a bloom filter for each dictionary-encoded column chunk.
try:
    import duckdb
    path = os.path.join(here, "skipping/duckdb_bloom.parquet")
    con = duckdb.connect()
    con.execute(f"""
        COPY (SELECT i AS id,
                     CASE WHEN i < 2048 THEN 'north-' || (i % 97) ELSE 'south-' || (i % 89) END AS city,
                     (i % 50)::INTEGER AS bucket
              FROM range(4096) t(i) ORDER BY i)
        TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)""")
except ImportError:
    print("duckdb not installed: skipping/duckdb_bloom.parquet not regenerated")

# Nanosecond timestamps and times at the ends of int64: floored to microseconds, never an error or a trap.
lo, hi = -2**63, 2**63 - 1
write("nanos/extremes.parquet", pa.table({
    "ns": pa.array([lo, lo + 1, -1, 0, 1999, hi, None], pa.timestamp("ns")),
    "nstz": pa.array([lo, -1001, -1, 0, 1999, hi, None], pa.timestamp("ns", tz="UTC")),
    "tns": pa.array([0, 999, 1000, 1999, 86_399_999_999_999, None, 5], pa.time64("ns")),
}))

# Dictionary-encoded strings (with NULLs, LIKE metacharacters, case and non-ASCII variants) next to
# the same values stored plain: filters evaluated once per dictionary entry must agree with the
# row-by-row path. Four row groups, so four dictionaries, each missing some values.
words = ["apple", "Apple", "APPLE", "applesauce", "banana", "a%b", "a_b", "a\\b", "axb", "", "zeta", "ärger", "Ärger", "b", "ab"]
rows = 5000
strings = [None if i % 7 == 3 else words[(i * 7 + i // 1300) % len(words)] for i in range(rows)]
for g in range(4):   # each row group leaves out one word
    for i in range(g * 1300, min((g + 1) * 1300, rows)):
        if strings[i] == words[g]:
            strings[i] = words[g + 4]
write("dictionary/strings.parquet", pa.table({
    "id": pa.array(range(rows), pa.int64()),
    "s": pa.array(strings, pa.string()),
    "plain": pa.array(strings, pa.string()),
}), row_group_size=1300, use_dictionary=["s"])

# PLAIN pages of every fixed-width type, required and optional, v1 and v2 data pages, under
# each codec (the reader decompresses these straight into the value arrays), and an INT64
# column whose dictionary overflows so later pages fall back to PLAIN. Values follow formulas
# of the row number that ParquetPlainPagesTests recomputes.
import decimal
rows = 2000
plain_schema = pa.schema([
    pa.field("i32", pa.int32(), nullable=False),
    pa.field("i64", pa.int64(), nullable=False),
    pa.field("f32", pa.float32(), nullable=False),
    pa.field("f64", pa.float64(), nullable=False),
    pa.field("d", pa.date32(), nullable=False),
    pa.field("dec", pa.decimal128(12, 2), nullable=False),
    pa.field("opt", pa.int64(), nullable=True),
    pa.field("fb", pa.int64(), nullable=False),
])
plain_table = pa.table({
    "i32": pa.array([(i * 37) % 2001 - 1000 for i in range(rows)], pa.int32()),
    "i64": pa.array([i * 1_000_003 - 7 for i in range(rows)], pa.int64()),
    "f32": pa.array([i * 0.5 for i in range(rows)], pa.float32()),
    "f64": pa.array([i * 0.25 - 3 for i in range(rows)], pa.float64()),
    "d": pa.array([i - 500 for i in range(rows)], pa.int32()).cast(pa.date32()),
    "dec": pa.array([decimal.Decimal(i * 101 - 5000).scaleb(-2) for i in range(rows)], pa.decimal128(12, 2)),
    "opt": pa.array([None if i % 5 == 2 else i * 3 for i in range(rows)], pa.int64()),
    "fb": pa.array([i // 4 if i < 400 else i * 7 for i in range(rows)], pa.int64()),
}, schema=plain_schema)
for codec in ["none", "snappy", "zstd", "gzip"]:
    for version in ["1.0", "2.0"]:
        path = os.path.join(here, f"plainpages/{codec}-v{version[0]}.parquet")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pq.write_table(plain_table, path, compression=codec, data_page_version=version, row_group_size=700,
                       data_page_size=1024, write_batch_size=100, use_dictionary=["fb"], dictionary_pagesize_limit=512,
                       write_page_index=True, store_decimal_as_integer=True)

# Integer join keys dictionary-encoded with more entries than a batch has rows (5,000
# distinct keys over 10,000 rows, each key twice): runtime join filters read them through
# the dictionary codes (Tests/slt/joins/runtime_filter_dictionary_keys.slt).
write("dictionary/int_keys.parquet", pa.table({
    "i": pa.array(range(10000), pa.int64()),
    "k": pa.array([(i * 7919) % 5000 for i in range(10000)], pa.int64()),
}), use_dictionary=["k"], row_group_size=10000)

# Definition levels kept implicit while pages hold no NULL (ParquetDefinitionLevelsTests):
# optional columns without NULLs, with NULLs only from row 1,300 on (row group 1's later pages;
# row group 0 none), with NULLs only in the first rows, with NULLs on two stretches of each row group, a dictionary-coded string without NULLs,
# and structs whose leaf is never NULL (the struct itself never NULL, or NULL from row 1,500 on).
# Small pages, v1 and v2 data pages.
level_rows = 2000
levels_table = pa.table({
    "never": pa.array([i * 3 for i in range(level_rows)], pa.int64()),
    "late": pa.array([None if i >= 1300 and i % 7 == 3 else i * 5 for i in range(level_rows)], pa.int64()),
    "early": pa.array([None if i < 150 and i % 4 == 1 else i - 9 for i in range(level_rows)], pa.int64()),
    # NULLs on two short stretches of each row group only: pages without NULL come after
    # pages with them (levels kept as bits must take those pages' entries as defined).
    "gaps": pa.array([None if i % 1000 in (120, 121, 125, 610, 611) else i * 2 for i in range(level_rows)], pa.int64()),
    "word": pa.array(["w%d" % (i % 13) for i in range(level_rows)], pa.string()),
    "st": pa.array([{"a": i * 2} for i in range(level_rows)], pa.struct([("a", pa.int64())])),
    "stn": pa.array([None if i >= 1500 and i % 9 == 4 else {"a": i + 1} for i in range(level_rows)],
                    pa.struct([("a", pa.int64())])),
})
for version in ["1.0", "2.0"]:
    write(f"levels/v{version[0]}.parquet", levels_table, data_page_version=version, row_group_size=1000,
          data_page_size=512, write_batch_size=50, use_dictionary=["word"])

# Strings whose dictionary overflows after a few pages, the rest PLAIN (ParquetColumnReader's
# fallback reserves the chunk's bytes once): 4,000 distinct values of one length.
write("dictionary/fallback_strings.parquet", pa.table({
    "s": pa.array(["value-%06d" % (i * 7) for i in range(4000)], pa.string()),
}), dictionary_pagesize_limit=2048, data_page_size=1024, write_batch_size=100, row_group_size=4000)

# Dictionaries that overflow after a few pages, with NULLs and a page index (pages of at most
# 100 rows), so reads can pick pages: sparse reads across the fall-back to PLAIN, and reads of
# PLAIN pages alone, which need no dictionary.
write("dictionary/fallback_indexed.parquet", pa.table({
    "n": pa.array([None if i % 11 == 3 else (i * 7919) % 100003 for i in range(4000)], pa.int64()),
    "s": pa.array([None if i % 13 == 5 else "value-%06d" % (i * 7) for i in range(4000)], pa.string()),
}), dictionary_pagesize_limit=2048, data_page_size=1024, write_batch_size=100, row_group_size=4000,
   write_page_index=True, max_rows_per_page=100)

# PLAIN fixed-width pages of 500 rows with a page index: optional without NULLs (t), required
# (r), optional with NULLs (d). Reads of rows near a page's start decode it only that far.
write("pages/leading.parquet", pa.table({
    "t": pa.array([i * 1000003 for i in range(4000)], pa.int64()),
    "r": pa.array([i * 7 - 3 for i in range(4000)], pa.int64()),
    "d": pa.array([None if i % 17 == 4 else i * 0.5 for i in range(4000)], pa.float64()),
    "e": pa.array([None if 2600 <= i < 2605 else i * 3 + 1 for i in range(4000)], pa.int64()),
}, schema=pa.schema([("t", pa.int64()), pa.field("r", pa.int64(), nullable=False), ("d", pa.float64()), ("e", pa.int64())])),
   use_dictionary=False, write_page_index=True, max_rows_per_page=500, data_page_size=1 << 20, row_group_size=4000)

# One text column stored five ways (a dictionary that overflows to PLAIN, PLAIN,
# DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY), with NULLs, empty strings, non-ASCII text and
# LIKE's special characters, in v1 and v2 data pages of at most 100 rows with a page index:
# scans that test text while they decode it (StringValueTest) meet every form.
def encoded_text(i):
    if i % 17 == 3:
        return None
    return ["user%d@example.com" % (i * 37 % 1000), "", "Ärger %d" % i, "a%%b_%d" % (i % 7), "back\\slash %d" % i,
            "USER%d@EXAMPLE.COM" % i, "x" * (i % 40)][i % 7]
text_values = [encoded_text(i) for i in range(3000)]
for version in ["1.0", "2.0"]:
    write(f"strings/encodings-v{version[0]}.parquet", pa.table({
        "id": pa.array(range(3000), pa.int64()),
        "dict": pa.array(text_values, pa.string()),
        "plain": pa.array(text_values, pa.string()),
        "dlba": pa.array(text_values, pa.string()),
        "dba": pa.array(text_values, pa.string()),
    }), use_dictionary=["dict"], dictionary_pagesize_limit=4096, data_page_version=version,
       column_encoding={"plain": "PLAIN", "dlba": "DELTA_LENGTH_BYTE_ARRAY", "dba": "DELTA_BYTE_ARRAY"},
       write_page_index=True, max_rows_per_page=100, data_page_size=2048, row_group_size=1500)

# Integers stored every way a scan may test them while decoding (IntegerValueTest): INT64
# as a dictionary that overflows to PLAIN, as PLAIN and as DELTA_BINARY_PACKED, with NULLs
# and values near the ends of int64; INT32 dictionary-coded with NULLs and required PLAIN;
# INT16 (INT32 annotated); and columns whose stored integers are not their values (UINT32
# above 2^31, a DECIMAL too wide for numeric, read as text), which must not be tested as
# stored. v1 and v2 data pages of at most 100 rows with a page index.
def wide_int(i):
    if i % 13 == 4:
        return None
    v = (i * 7919) % 1000 - 500
    return v if i % 2 else v * 9_000_000_000_000_000_000 // 500
int_rows = 3000
for version in ["1.0", "2.0"]:
    write(f"integers/encodings-v{version[0]}.parquet", pa.table({
        "id": pa.array(range(int_rows), pa.int64()),
        "dict": pa.array([wide_int(i) for i in range(int_rows)], pa.int64()),
        "plain": pa.array([wide_int(i) for i in range(int_rows)], pa.int64()),
        "delta": pa.array([wide_int(i) for i in range(int_rows)], pa.int64()),
        "i32": pa.array([None if i % 11 == 5 else (i * 37) % 2001 - 1000 for i in range(int_rows)], pa.int32()),
        "req": pa.array([(i * 37) % 2001 - 1000 for i in range(int_rows)], pa.int32()),
        "i16": pa.array([(i * 13) % 601 - 300 for i in range(int_rows)], pa.int16()),
        "u32": pa.array([(i * 2654435761) % 2**32 for i in range(int_rows)], pa.uint32()),
        "wide": pa.array([decimal.Decimal(i % 50 * 3 - 70).scaleb(-2) for i in range(int_rows)], pa.decimal256(40, 2)),
    }, schema=pa.schema([("id", pa.int64()), ("dict", pa.int64()), ("plain", pa.int64()), ("delta", pa.int64()),
                         ("i32", pa.int32()), pa.field("req", pa.int32(), nullable=False), ("i16", pa.int16()),
                         ("u32", pa.uint32()), ("wide", pa.decimal256(40, 2))])),
       use_dictionary=["dict", "i32"], dictionary_pagesize_limit=2048, data_page_version=version,
       column_encoding={"plain": "PLAIN", "delta": "DELTA_BINARY_PACKED", "req": "PLAIN", "i16": "PLAIN", "u32": "PLAIN"},
       write_page_index=True, max_rows_per_page=100, data_page_size=2048, row_group_size=1500)
