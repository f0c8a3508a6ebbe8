#!/usr/bin/env python3
"""Deterministic TPC-H-shaped data generator writing Parquet (numpy + pyarrow).

The DuckDB wheel does not bundle its `tpch` extension and this project has no
internet access for `INSTALL tpch`, so this module generates the eight TPC-H
tables itself. It follows the column domains of the TPC-H specification
(section 4.2.3: key ranges, sparse order keys, part-supplier key formula, retail
price formula, date windows relative to CURRENTDATE 1995-06-17, return flags and
line status, phone country codes, p_name colour words, p_type/p_container
syllables, "Customer ... Complaints" supplier comments, customers with custkey
divisible by 3 never ordering) so the 22 queries return meaningful, non-empty
results. It is not byte-compatible with dbgen: comments are random word
sequences, not dbgen's text grammar, and the random streams differ.

Determinism: every table draws from its own numpy PCG64 generator with a fixed
seed, so the same scale factor always produces the same values.

Usage:  python3 tpchgen.py --sf 0.1 --out DIR
"""

import argparse
import datetime as dt
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

GENERATOR_VERSION = "1"       # bump when the generated data changes, invalidates caches
ROWS_PER_FILE = 500_000
TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]

START_DATE = dt.date(1992, 1, 1)
CURRENT_DATE = dt.date(1995, 6, 17)
END_DATE = dt.date(1998, 12, 31)
EPOCH = dt.date(1970, 1, 1)

REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
NATIONS = [("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4),
           ("ETHIOPIA", 0), ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2),
           ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2), ("JORDAN", 4), ("KENYA", 0),
           ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2), ("ROMANIA", 3),
           ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3),
           ("UNITED STATES", 1)]
COLOURS = ["almond", "antique", "aquamarine", "azure", "beige", "bisque", "black",
           "blanched", "blue", "blush", "brown", "burlywood", "burnished", "chartreuse",
           "chiffon", "chocolate", "coral", "cornflower", "cornsilk", "cream", "cyan",
           "dark", "deep", "dim", "dodger", "drab", "firebrick", "floral", "forest",
           "frosted", "gainsboro", "ghost", "goldenrod", "green", "grey", "honeydew",
           "hot", "indian", "ivory", "khaki", "lace", "lavender", "lawn", "lemon", "light",
           "lime", "linen", "magenta", "maroon", "medium", "metallic", "midnight", "mint",
           "misty", "moccasin", "navajo", "navy", "olive", "orange", "orchid", "pale",
           "papaya", "peach", "peru", "pink", "plum", "powder", "puff", "purple", "red",
           "rose", "rosy", "royal", "saddle", "salmon", "sandy", "seashell", "sienna",
           "sky", "slate", "smoke", "snow", "spring", "steel", "tan", "thistle", "tomato",
           "turquoise", "violet", "wheat", "white", "yellow"]
TYPE_S1 = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"]
TYPE_S2 = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"]
TYPE_S3 = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"]
CONTAINER_S1 = ["SM", "LG", "MED", "JUMBO", "WRAP"]
CONTAINER_S2 = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"]
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]
INSTRUCTIONS = ["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]
MODES = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
# comment vocabulary in the spirit of the spec's text grammar (nouns, verbs, adjectives, adverbs)
WORDS = ["foxes", "ideas", "theodolites", "pinto", "beans", "instructions", "dependencies",
         "excuses", "platelets", "asymptotes", "courts", "dolphins", "multipliers",
         "sauternes", "warthogs", "frets", "dinos", "attainments", "somas", "Tiresias",
         "patterns", "forges", "braids", "hockey", "players", "frays", "warhorses",
         "dugouts", "notornis", "epitaphs", "pearls", "tithes", "waters", "orbits",
         "gifts", "sheaves", "depths", "sentiments", "decoys", "realms", "pains", "grouches",
         "escapades", "packages", "requests", "accounts", "deposits", "sleep", "wake",
         "are", "cajole", "haggle", "nag", "use", "boost", "affix", "detect", "integrate",
         "maintain", "nod", "was", "lose", "sublate", "solve", "thrash", "promise",
         "engage", "hinder", "print", "x-ray", "breach", "eat", "grow", "impress", "mold",
         "poach", "serve", "run", "dazzle", "snooze", "doze", "unwind", "kindle", "play",
         "hang", "believe", "doubt", "furious", "sly", "careful", "blithe", "quick",
         "fluffy", "slow", "quiet", "ruthless", "thin", "close", "dogged", "daring",
         "brave", "stealthy", "permanent", "enticing", "idle", "busy", "regular", "final",
         "ironic", "even", "bold", "silent", "special", "pending", "express", "unusual",
         "sometimes", "always", "never", "furiously", "slyly", "carefully", "blithely",
         "quickly", "fluffily", "slowly", "quietly", "ruthlessly", "thinly", "closely",
         "doggedly", "daringly", "bravely", "stealthily", "permanently", "enticingly",
         "idly", "busily", "regularly", "finally", "ironically", "evenly", "boldly",
         "silently", "about", "above", "according", "to", "across", "after", "against",
         "along", "alongside", "of", "among", "around", "at", "atop", "before", "behind",
         "beneath", "beside", "besides", "between", "beyond", "by", "despite", "during",
         "except", "for", "from", "inside", "of", "into", "near", "on", "outside", "over",
         "past", "since", "through", "throughout", "toward", "under", "until", "up",
         "upon", "without", "with", "within", "the", "blithely"]
ADDRESS_CHARS = np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,"))


def days(date):
    return (date - EPOCH).days


def decimal_array(cents, precision=15, scale=2):
    """Builds a decimal128 array from int64 mantissas without per-value Python objects."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63            # sign extension into the high 64 bits
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(cents),
                                 [None, pa.py_buffer(words.tobytes())])


def date_array(day_numbers):
    return pa.array(np.asarray(day_numbers, dtype=np.int32), pa.int32()).cast(pa.date32())


def formatted(fmt, keys):
    return pa.array([fmt % k for k in keys.tolist()], pa.string())


def comments(rng, n, min_words=3, max_words=12):
    counts = rng.integers(min_words, max_words + 1, n)
    picks = rng.integers(0, len(WORDS), int(counts.sum()))
    words = [WORDS[i] for i in picks.tolist()]
    out, pos = [], 0
    for c in counts.tolist():
        out.append(" ".join(words[pos:pos + c]))
        pos += c
    return out


def random_strings(rng, n, min_len, max_len):
    lengths = rng.integers(min_len, max_len + 1, n)
    chars = ADDRESS_CHARS[rng.integers(0, len(ADDRESS_CHARS), int(lengths.sum()))]
    joined = "".join(chars.tolist())
    out, pos = [], 0
    for length in lengths.tolist():
        out.append(joined[pos:pos + length])
        pos += length
    return out


def phones(rng, nation_keys):
    n = len(nation_keys)
    a = rng.integers(100, 1000, n)
    b = rng.integers(100, 1000, n)
    c = rng.integers(1000, 10000, n)
    return pa.array([f"{k + 10}-{x}-{y}-{z}" for k, x, y, z in
                     zip(nation_keys.tolist(), a.tolist(), b.tolist(), c.tolist())], pa.string())


def part_suppliers(part_keys, copy_index, n_suppliers):
    """Spec 4.2.3: the i-th supplier of a part."""
    s = n_suppliers
    return (part_keys + copy_index * (s // 4 + (part_keys - 1) // s)) % s + 1


def retail_price_cents(part_keys):
    return 90000 + (part_keys // 10) % 20001 + 100 * (part_keys % 1000)


def gen_region():
    rng = np.random.default_rng(1)
    return pa.table({
        "r_regionkey": pa.array(np.arange(5), pa.int32()),
        "r_name": pa.array(REGIONS, pa.string()),
        "r_comment": pa.array(comments(rng, 5, 6, 18), pa.string()),
    })


def gen_nation():
    rng = np.random.default_rng(2)
    return pa.table({
        "n_nationkey": pa.array(np.arange(25), pa.int32()),
        "n_name": pa.array([n for n, _ in NATIONS], pa.string()),
        "n_regionkey": pa.array([r for _, r in NATIONS], pa.int32()),
        "n_comment": pa.array(comments(rng, 25, 6, 18), pa.string()),
    })


def gen_supplier(n):
    rng = np.random.default_rng(3)
    keys = np.arange(1, n + 1)
    nations = rng.integers(0, 25, n)
    text = comments(rng, n, 5, 15)
    # spec: a few suppliers have complaints / recommendations in their comment (used by Q16)
    special = rng.permutation(n)[: max(2, n // 1000)]
    for j, row in enumerate(special.tolist()):
        word = "Complaints" if j % 2 == 0 else "Recommends"
        text[row] = f"{text[row].split(' ')[0]} Customer {text[row].split(' ')[-1]} {word}"
    return pa.table({
        "s_suppkey": pa.array(keys, pa.int64()),
        "s_name": formatted("Supplier#%09d", keys),
        "s_address": pa.array(random_strings(rng, n, 10, 40), pa.string()),
        "s_nationkey": pa.array(nations, pa.int32()),
        "s_phone": phones(rng, nations),
        "s_acctbal": decimal_array(rng.integers(-99999, 1000000, n)),
        "s_comment": pa.array(text, pa.string()),
    })


def gen_customer(n):
    rng = np.random.default_rng(4)
    keys = np.arange(1, n + 1)
    nations = rng.integers(0, 25, n)
    return pa.table({
        "c_custkey": pa.array(keys, pa.int64()),
        "c_name": formatted("Customer#%09d", keys),
        "c_address": pa.array(random_strings(rng, n, 10, 40), pa.string()),
        "c_nationkey": pa.array(nations, pa.int32()),
        "c_phone": phones(rng, nations),
        "c_acctbal": decimal_array(rng.integers(-99999, 1000000, n)),
        "c_mktsegment": pa.array([SEGMENTS[i] for i in rng.integers(0, 5, n).tolist()], pa.string()),
        "c_comment": pa.array(comments(rng, n, 5, 15), pa.string()),
    })


def gen_part(n):
    rng = np.random.default_rng(5)
    keys = np.arange(1, n + 1)
    names = []
    for _ in range(n):
        picks = rng.choice(len(COLOURS), 5, replace=False)
        names.append(" ".join(COLOURS[i] for i in picks.tolist()))
    mfgr = rng.integers(1, 6, n)
    brand = rng.integers(1, 6, n)
    t1, t2, t3 = rng.integers(0, 6, n), rng.integers(0, 5, n), rng.integers(0, 5, n)
    c1, c2 = rng.integers(0, 5, n), rng.integers(0, 8, n)
    return pa.table({
        "p_partkey": pa.array(keys, pa.int64()),
        "p_name": pa.array(names, pa.string()),
        "p_mfgr": pa.array([f"Manufacturer#{m}" for m in mfgr.tolist()], pa.string()),
        "p_brand": pa.array([f"Brand#{m}{b}" for m, b in zip(mfgr.tolist(), brand.tolist())],
                            pa.string()),
        "p_type": pa.array([f"{TYPE_S1[a]} {TYPE_S2[b]} {TYPE_S3[c]}"
                            for a, b, c in zip(t1.tolist(), t2.tolist(), t3.tolist())], pa.string()),
        "p_size": pa.array(rng.integers(1, 51, n), pa.int32()),
        "p_container": pa.array([f"{CONTAINER_S1[a]} {CONTAINER_S2[b]}"
                                 for a, b in zip(c1.tolist(), c2.tolist())], pa.string()),
        "p_retailprice": decimal_array(retail_price_cents(keys)),
        "p_comment": pa.array(comments(rng, n, 2, 6), pa.string()),
    })


def gen_partsupp(n_parts, n_suppliers):
    rng = np.random.default_rng(6)
    part_keys = np.repeat(np.arange(1, n_parts + 1), 4)
    copy_index = np.tile(np.arange(4), n_parts)
    n = len(part_keys)
    return pa.table({
        "ps_partkey": pa.array(part_keys, pa.int64()),
        "ps_suppkey": pa.array(part_suppliers(part_keys, copy_index, n_suppliers), pa.int64()),
        "ps_availqty": pa.array(rng.integers(1, 10000, n), pa.int32()),
        "ps_supplycost": decimal_array(rng.integers(100, 100001, n)),
        "ps_comment": pa.array(comments(rng, n, 8, 25), pa.string()),
    })


def gen_orders_lineitem(n_orders, n_customers, n_parts, n_suppliers, n_clerks):
    rng = np.random.default_rng(7)
    index = np.arange(n_orders)
    order_keys = (index // 8) * 32 + index % 8 + 1           # spec: sparse keys, 8 of every 32
    # spec: customers whose key is divisible by 3 never place orders
    eligible = np.arange(1, n_customers + 1)
    eligible = eligible[eligible % 3 != 0]
    cust = eligible[rng.integers(0, len(eligible), n_orders)]
    order_dates = days(START_DATE) + rng.integers(0, days(END_DATE) - 151 - days(START_DATE) + 1,
                                                  n_orders)
    line_counts = rng.integers(1, 8, n_orders)
    n_lines = int(line_counts.sum())
    line_order = np.repeat(np.arange(n_orders), line_counts)
    starts = np.cumsum(line_counts) - line_counts
    line_numbers = np.arange(n_lines) - np.repeat(starts, line_counts) + 1

    part_keys = rng.integers(1, n_parts + 1, n_lines)
    supp_keys = part_suppliers(part_keys, rng.integers(0, 4, n_lines), n_suppliers)
    quantity = rng.integers(1, 51, n_lines)
    ext_cents = quantity * retail_price_cents(part_keys)
    discount = rng.integers(0, 11, n_lines)                    # hundredths
    tax = rng.integers(0, 9, n_lines)
    o_dates = order_dates[line_order]
    ship = o_dates + rng.integers(1, 122, n_lines)
    commit = o_dates + rng.integers(30, 91, n_lines)
    receipt = ship + rng.integers(1, 31, n_lines)
    current = days(CURRENT_DATE)
    line_status = np.where(ship > current, "O", "F")
    return_flag = np.where(receipt <= current, np.where(rng.random(n_lines) < 0.5, "R", "A"), "N")

    # o_totalprice = sum(extendedprice * (1 + tax) * (1 - discount)), rounded to cents
    line_total = np.rint(ext_cents * (100 + tax) * (100 - discount) / 10000.0).astype(np.int64)
    total = np.bincount(line_order, weights=line_total, minlength=n_orders).round().astype(np.int64)
    open_lines = np.bincount(line_order, weights=(line_status == "O"), minlength=n_orders)
    status = np.where(open_lines == line_counts, "O", np.where(open_lines == 0, "F", "P"))

    order_comments = comments(rng, n_orders, 4, 12)
    # spec: some order comments mention "special ... requests" (Q13 excludes them)
    for row in np.nonzero(rng.random(n_orders) < 0.01)[0].tolist():
        order_comments[row] = "special " + order_comments[row] + " requests"
    orders = pa.table({
        "o_orderkey": pa.array(order_keys, pa.int64()),
        "o_custkey": pa.array(cust, pa.int64()),
        "o_orderstatus": pa.array(status, pa.string()),
        "o_totalprice": decimal_array(total),
        "o_orderdate": date_array(order_dates),
        "o_orderpriority": pa.array([PRIORITIES[i] for i in rng.integers(0, 5, n_orders).tolist()],
                                    pa.string()),
        "o_clerk": formatted("Clerk#%09d", rng.integers(1, n_clerks + 1, n_orders)),
        "o_shippriority": pa.array(np.zeros(n_orders, dtype=np.int32), pa.int32()),
        "o_comment": pa.array(order_comments, pa.string()),
    })
    lineitem = pa.table({
        "l_orderkey": pa.array(order_keys[line_order], pa.int64()),
        "l_partkey": pa.array(part_keys, pa.int64()),
        "l_suppkey": pa.array(supp_keys, pa.int64()),
        "l_linenumber": pa.array(line_numbers, pa.int32()),
        "l_quantity": decimal_array(quantity * 100),
        "l_extendedprice": decimal_array(ext_cents),
        "l_discount": decimal_array(discount),
        "l_tax": decimal_array(tax),
        "l_returnflag": pa.array(return_flag, pa.string()),
        "l_linestatus": pa.array(line_status, pa.string()),
        "l_shipdate": date_array(ship),
        "l_commitdate": date_array(commit),
        "l_receiptdate": date_array(receipt),
        "l_shipinstruct": pa.array([INSTRUCTIONS[i] for i in rng.integers(0, 4, n_lines).tolist()],
                                   pa.string()),
        "l_shipmode": pa.array([MODES[i] for i in rng.integers(0, 7, n_lines).tolist()], pa.string()),
        "l_comment": pa.array(comments(rng, n_lines, 2, 7), pa.string()),
    })
    return orders, lineitem


def write(table, out_dir, name):
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.endswith(".parquet"):
            os.remove(os.path.join(folder, old))
    for part, start in enumerate(range(0, max(table.num_rows, 1), ROWS_PER_FILE)):
        chunk = table.slice(start, ROWS_PER_FILE)
        pq.write_table(chunk, os.path.join(folder, f"part-{part}.parquet"),
                       compression="snappy", row_group_size=122_880)


def generate(sf, out_dir, log=print):
    """Writes all eight tables under out_dir/<table>/part-N.parquet."""
    n_suppliers = max(4, int(10_000 * sf))
    n_customers = max(3, int(150_000 * sf))
    n_parts = max(1, int(200_000 * sf))
    n_orders = max(1, int(1_500_000 * sf))
    n_clerks = max(1, int(1_000 * sf))
    write(gen_region(), out_dir, "region")
    write(gen_nation(), out_dir, "nation")
    write(gen_supplier(n_suppliers), out_dir, "supplier")
    write(gen_customer(n_customers), out_dir, "customer")
    write(gen_part(n_parts), out_dir, "part")
    write(gen_partsupp(n_parts, n_suppliers), out_dir, "partsupp")
    orders, lineitem = gen_orders_lineitem(n_orders, n_customers, n_parts, n_suppliers, n_clerks)
    write(orders, out_dir, "orders")
    write(lineitem, out_dir, "lineitem")
    log(f"generated TPC-H sf={sf}: {orders.num_rows} orders, {lineitem.num_rows} lineitems")


def main():
    parser = argparse.ArgumentParser(description="Generate TPC-H-shaped Parquet data.")
    parser.add_argument("--sf", type=float, default=0.1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    generate(args.sf, args.out)


if __name__ == "__main__":
    main()
