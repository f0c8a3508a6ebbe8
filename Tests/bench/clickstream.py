"""Click-stream lake generator for the benchmark: Hive-partitioned web events plus a product dimension.

    events/dt=YYYY-MM-DD/part-NN.parquet   one folder per day
    products/part-0.parquet                the product dimension

By default day 7 (the "big day", 2024-01-07) has 100 million events and days 1-6 have
10 million each; `scale` multiplies both (scale 0.01 gives 1M + 6 x 100k for quick runs).
Rows are generated with numpy/pyarrow compute in chunks of `ROWS_PER_CHUNK`, one row group
per chunk, so the Python interpreter never touches individual rows. Within a day event times
are increasing across chunks (logs are appended in time order), which is what lets engines skip
row groups on time predicates, as they would on a real lake.

Deterministic: every chunk has its own seed derived from (day, chunk).
"""

import datetime as dt
import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

GENERATOR_VERSION = 1
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 7
BIG_DAY_INDEX = 6                       # 2024-01-07
BIG_DAY_ROWS = 100_000_000
SMALL_DAY_ROWS = 10_000_000
ROWS_PER_CHUNK = 1_000_000
CHUNKS_PER_FILE = 10
USERS = 2_000_000
PRODUCTS = 100_000

EVENT_TYPES = ["page_view", "search", "product_view", "add_to_cart", "checkout", "purchase"]
EVENT_WEIGHTS = [0.45, 0.15, 0.25, 0.08, 0.04, 0.03]
PRODUCT_EVENTS = {"product_view", "add_to_cart", "checkout", "purchase"}
DEVICES = ["mobile", "desktop", "tablet", "tv"]
DEVICE_WEIGHTS = [0.55, 0.35, 0.08, 0.02]
COUNTRIES = ["US", "DE", "FR", "GB", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP", "CA", "AU", "MX",
             "KR", "CH", "AT", "BE", "DK", "NO", "FI", "IE", "PT", "CZ", "RO", "TR", "ZA", "AR", "NZ"]
CATEGORIES = ["books", "music", "movies", "games", "electronics", "computers", "home", "garden",
              "tools", "toys", "baby", "beauty", "health", "grocery", "clothing", "shoes",
              "jewelry", "sports", "outdoors", "automotive"]

EVENT_SCHEMA = pa.schema([
    ("event_time", pa.timestamp("us")),
    ("user_id", pa.int64()),
    ("session_id", pa.int64()),
    ("event_type", pa.string()),
    ("product_id", pa.int32()),
    ("price", pa.float64()),
    ("country", pa.string()),
    ("device", pa.string()),
    ("email", pa.string()),
    ("ip", pa.string()),
])


def day_rows(day_index, scale):
    base = BIG_DAY_ROWS if day_index == BIG_DAY_INDEX else SMALL_DAY_ROWS
    return max(1, int(base * scale))


def products_table():
    rng = np.random.default_rng([GENERATOR_VERSION, 999])
    ids = np.arange(1, PRODUCTS + 1, dtype=np.int32)
    category = pa.array(np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), PRODUCTS)])
    brand_no = pa.array(rng.integers(1, 501, PRODUCTS))
    name = pc.binary_join_element_wise(category, pc.cast(pa.array(ids), pa.string()), " ")
    brand = pc.binary_join_element_wise("brand#", pc.cast(brand_no, pa.string()), "")
    list_price = np.round(rng.lognormal(3.2, 0.9, PRODUCTS), 2)
    return pa.table({
        "product_id": pa.array(ids),
        "name": name,
        "category": category,
        "brand": brand,
        "list_price": pa.array(list_price),
    })


_USER_TABLE = None


def user_table():
    """Country, device, email and ip per user (index user_id - 1), built once: they are functions
    of the user, so per-user queries see coherent rows, and chunks only gather from it."""
    global _USER_TABLE
    if _USER_TABLE is None:
        user_ids = np.arange(1, USERS + 1, dtype=np.int64)
        h = (user_ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(32)
        country = pc.take(pa.array(COUNTRIES), pa.array((h % np.uint64(len(COUNTRIES))).astype(np.int32)))
        device_pick = np.searchsorted(np.cumsum(DEVICE_WEIGHTS),
                                      ((h >> np.uint64(8)) % np.uint64(1000)).astype(np.float64) / 1000.0,
                                      side="right")
        device = pc.take(pa.array(DEVICES), pa.array(np.minimum(device_pick, len(DEVICES) - 1).astype(np.int32)))
        email = pc.binary_join_element_wise("user", pc.cast(pa.array(user_ids), pa.string()), "@example.com", "")
        octets = [pc.cast(pa.array((user_ids >> shift) & 255), pa.string()) for shift in (16, 8, 0)]
        ip = pc.binary_join_element_wise("10", octets[0], octets[1], octets[2], ".")
        _USER_TABLE = pa.table({"country": country, "device": device, "email": email, "ip": ip})
    return _USER_TABLE


def user_attributes(user_ids):
    rows = user_table().take(pa.array(user_ids - 1))
    return rows["country"], rows["device"], rows["email"], rows["ip"]


def events_chunk(day_index, chunk_index, chunk_count, rows):
    rng = np.random.default_rng([GENERATOR_VERSION, day_index, chunk_index])
    day_start = np.datetime64(FIRST_DAY + dt.timedelta(days=day_index), "us")
    span = 86_400_000_000 // chunk_count
    offsets = np.sort(rng.integers(chunk_index * span, (chunk_index + 1) * span, rows))
    event_time = day_start + offsets.astype("timedelta64[us]")
    # Zipf-like user activity: a few heavy users, a long tail.
    user_ids = (np.minimum(rng.pareto(1.2, rows) * 20_000, USERS - 1).astype(np.int64) * 7919) % USERS + 1
    session_id = user_ids * 1000 + (day_index * 24 + offsets // 3_600_000_000) % 1000
    type_idx = rng.choice(len(EVENT_TYPES), size=rows, p=EVENT_WEIGHTS)
    event_type = pc.take(pa.array(EVENT_TYPES), pa.array(type_idx.astype(np.int32)))
    has_product = type_idx >= 2
    product = rng.integers(1, PRODUCTS + 1, rows).astype(np.int32)
    price = np.round(rng.lognormal(3.2, 0.9, rows), 2)
    country, device, email, ip = user_attributes(user_ids)
    return pa.table({
        "event_time": pa.array(event_time, pa.timestamp("us")),
        "user_id": pa.array(user_ids),
        "session_id": pa.array(session_id),
        "event_type": event_type,
        "product_id": pa.array(product, mask=~has_product),
        "price": pa.array(price, mask=~has_product),
        "country": country,
        "device": device,
        "email": email,
        "ip": ip,
    }, schema=EVENT_SCHEMA)


def generate(folder, scale=1.0, compression="snappy", log=print):
    """Writes the lake under `folder` (events/ and products/); returns the total event count."""
    os.makedirs(os.path.join(folder, "products"), exist_ok=True)
    pq.write_table(products_table(), os.path.join(folder, "products", "part-0.parquet"),
                   compression=compression)
    total = 0
    for day_index in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=day_index)
        day_folder = os.path.join(folder, "events", f"dt={day.isoformat()}")
        os.makedirs(day_folder, exist_ok=True)
        rows = day_rows(day_index, scale)
        chunk_count = max(1, -(-rows // ROWS_PER_CHUNK))
        writer = None
        file_number = 0
        for chunk_index in range(chunk_count):
            if chunk_index % CHUNKS_PER_FILE == 0:
                if writer:
                    writer.close()
                path = os.path.join(day_folder, f"part-{file_number:02d}.parquet")
                writer = pq.ParquetWriter(path, EVENT_SCHEMA, compression=compression)
                file_number += 1
            n = rows // chunk_count + (1 if chunk_index < rows % chunk_count else 0)
            writer.write_table(events_chunk(day_index, chunk_index, chunk_count, n), row_group_size=ROWS_PER_CHUNK)
        if writer:
            writer.close()
        total += rows
        log(f"events dt={day.isoformat()}: {rows} rows in {file_number} files")
    return total
