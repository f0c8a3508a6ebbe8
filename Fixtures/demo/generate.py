#!/usr/bin/env python3
"""Generates the LakeSQL demo data lake (a small, fictional e-commerce shop).

Deterministic: every random choice comes from one stdlib `random.Random` with a
fixed seed and tables are built in a fixed order, so re-running this script with
the same Python and pyarrow versions rewrites byte-identical Parquet files.

Usage:  python3 Fixtures/demo/generate.py [--out DIR]   (default: this folder)

Parquet settings: snappy, dictionary encoding, statistics, row groups of 16,384
rows; large tables are sorted by time so min/max statistics make row-group
skipping visible for time-range filters.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import unicodedata
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261101
ROW_GROUP_ROWS = 16384

N_CUSTOMERS = 2000
N_PRODUCTS = 300
N_ORDERS = 20000

ORDERS_START = dt.datetime(2025, 1, 1)
ORDERS_END = dt.datetime(2026, 11, 15)          # exclusive
EVENTS_FIRST_DAY = dt.date(2026, 11, 1)
EVENT_DAYS = 14

# country -> (phone country code, cities)
COUNTRIES = {
    "US": ("1", ["New York", "Chicago", "Austin", "Seattle", "Denver", "Boston"]),
    "GB": ("44", ["London", "Manchester", "Leeds", "Bristol"]),
    "DE": ("49", ["Berlin", "München", "Köln", "Hamburg"]),
    "FR": ("33", ["Paris", "Lyon", "Marseille", "Toulouse"]),
    "ES": ("34", ["Madrid", "Barcelona", "Sevilla", "València"]),
    "PT": ("351", ["Lisboa", "Porto", "Coimbra"]),
    "BR": ("55", ["São Paulo", "Rio de Janeiro", "Belo Horizonte"]),
    "NL": ("31", ["Amsterdam", "Rotterdam", "Utrecht"]),
    "SE": ("46", ["Stockholm", "Göteborg", "Malmö"]),
    "PL": ("48", ["Warszawa", "Kraków", "Łódź"]),
    "IT": ("39", ["Roma", "Milano", "Napoli", "Torino"]),
    "JP": ("81", ["Tokyo", "Osaka", "Kyoto"]),
    "CA": ("1", ["Toronto", "Montréal", "Vancouver"]),
    "AU": ("61", ["Sydney", "Melbourne", "Brisbane"]),
    "MX": ("52", ["Ciudad de México", "Guadalajara", "Monterrey"]),
}
COUNTRY_WEIGHTS = {"US": 30, "GB": 10, "DE": 10, "FR": 8, "ES": 6, "PT": 4, "BR": 6,
                   "NL": 4, "SE": 3, "PL": 4, "IT": 5, "JP": 3, "CA": 4, "AU": 2, "MX": 3}

FIRST_NAMES = ["James", "Mary", "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia",
               "Sophia", "Ethan", "Hannah", "Oliver", "Chloe", "Leo", "Amelia", "Jack",
               "Grace", "Ben", "Nina", "José", "Zoë", "François", "Søren", "Łukasz",
               "Inês", "Björn", "Chloé", "Renée", "Jürgen", "Małgorzata", "João",
               "Yūki", "Ángel", "Sinéad", "Anaïs", "Mateo", "Sara", "Elena", "Marco"]
LAST_NAMES = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Martin", "Garcia",
              "Lee", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
              "Conceição", "Müller", "Núñez", "Ødegaard", "Wiśniewski", "Gonçalves",
              "Fernández", "Schäfer", "Dubois", "Lefèvre", "Rossi", "Bianchi",
              "de Vries", "Andersson", "Kowalski", "Tanaka", "Sato", "O'Brien",
              "Petrov", "Novak", "Silva", "Costa", "Jansen", "Weber", "Moreau"]
STREETS = ["Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Station", "Church", "Mill",
           "Park", "Lake", "Hill", "Rua Augusta", "Hauptstraße", "Rue de la Paix",
           "Calle Mayor", "Kungsgatan", "Via Roma", "Ulica Długa"]
STREET_SUFFIXES = ["Street", "Avenue", "Road", "Lane", "Way", "Boulevard"]

# category -> (brands, nouns, median price in cents, price spread)
CATEGORIES = {
    "Electronics": (["Voltix", "Nordtek", "Lumina", "Axon"],
                    ["Headphones", "Charger", "Speaker", "Monitor", "Keyboard", "Mouse",
                     "Webcam", "Tablet"], 6000, 0.9),
    "Books": (["Inkwell Press", "Paperleaf", "Northwind Books"],
              ["Cookbook", "Novel", "Field Guide", "Atlas", "Poetry Collection"], 1800, 0.4),
    "Home & Kitchen": (["Casa Bella", "Hearth & Co", "Kitchly"],
                       ["Kettle", "Pan", "Knife Set", "Blender", "Mug Set", "Lamp"], 4000, 0.7),
    "Toys": (["Playwell", "Tinker Town", "Bright Blocks"],
             ["Puzzle", "Robot Kit", "Board Game", "Plush Bear", "Train Set"], 2500, 0.6),
    "Sports": (["Stride", "Summit Gear", "AquaFlex"],
               ["Yoga Mat", "Water Bottle", "Running Shoes", "Backpack", "Tent"], 4500, 0.8),
    "Beauty": (["Glowé", "Pure Petal", "Éclat"],
               ["Face Cream", "Shampoo", "Perfume", "Lip Balm", "Serum"], 2200, 0.5),
    "Clothing": (["Threadline", "Nordic Wool", "Urban Loom"],
                 ["T-Shirt", "Hoodie", "Jeans", "Scarf", "Jacket", "Socks"], 3500, 0.6),
    "Garden": (["Greenthumb", "Bloomfield"],
               ["Hose", "Planter", "Seed Kit", "Shears", "Bird Feeder"], 3000, 0.6),
}
ADJECTIVES = ["Classic", "Pro", "Mini", "Eco", "Deluxe", "Smart", "Compact", "Ultra",
              "Essential", "Travel"]

CARRIERS = {"UPS": (2.0, 1.0), "DHL": (3.0, 1.5), "FedEx": (2.0, 0.8),
            "PostNord": (4.0, 2.0), "Correos": (4.5, 2.5), "La Poste": (3.5, 2.0)}
PAYMENT_METHODS = ["card", "paypal", "bank_transfer", "gift_card", "apple_pay"]
PAYMENT_WEIGHTS = [50, 25, 8, 5, 12]
DEVICES = ["desktop", "mobile", "tablet"]

# relative order volume per calendar month (Nov/Dec holiday peak, summer dip)
MONTH_WEIGHT = {1: 0.8, 2: 0.75, 3: 0.9, 4: 0.9, 5: 0.95, 6: 0.85, 7: 0.8, 8: 0.85,
                9: 1.0, 10: 1.1, 11: 1.6, 12: 1.8}

REVIEW_TEXT = {
    1: ["Arrived far too late and damaged.", "Very disappointed, would not buy again.",
        "Took forever to arrive. Terrible."],
    2: ["Not great, delivery was slow.", "Below expectations.", "Meh. Packaging was crushed."],
    3: ["It's okay.", "Does the job, nothing special.", "Average quality for the price."],
    4: ["Good product, happy with it.", "Works well, fast delivery.", "Nice, would recommend."],
    5: ["Excellent! Exactly as described.", "Love it — arrived quickly.",
        "Perfect, five stars. Très bien!", "Fantastic quality ★★★★★"],
}


def ascii_slug(text):
    """Lower-case ASCII form of a name, for e-mail local parts."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    return "".join(c for c in stripped.lower() if c.isalnum())


def cents_to_decimal(cents):
    return None if cents is None else Decimal(cents).scaleb(-2)


def random_ts(rng, start, end):
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randrange(span))


def write_table(out_dir, name, table, rel_path="part-0.parquet"):
    path = os.path.join(out_dir, name, rel_path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, compression="snappy", use_dictionary=True,
                   write_statistics=True, row_group_size=ROW_GROUP_ROWS)
    return path


def make_customers(rng):
    countries = list(COUNTRY_WEIGHTS)
    weights = [COUNTRY_WEIGHTS[c] for c in countries]
    rows = []
    for cid in range(1, N_CUSTOMERS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        country = rng.choices(countries, weights)[0]
        code, cities = COUNTRIES[country]
        email = f"{ascii_slug(first)}.{ascii_slug(last)}{cid}@example.com"
        if rng.random() < 0.03:
            email = None
        phone = f"+{code} 555 {rng.randrange(1000):03d} {rng.randrange(10000):04d}"
        if rng.random() < 0.08:
            phone = None
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(56 * 365))
        if rng.random() < 0.05:
            birth = None
        street = f"{rng.randrange(1, 300)} {rng.choice(STREETS)}"
        if " " not in street.split(" ", 1)[1]:
            street += " " + rng.choice(STREET_SUFFIXES)
        # signups grow over time: square-root skew pushes more of them toward later dates
        frac = rng.random() ** 0.8
        signup = dt.datetime(2024, 1, 1) + dt.timedelta(
            seconds=int(frac * (dt.datetime(2026, 11, 14) - dt.datetime(2024, 1, 1)).total_seconds()))
        rows.append((cid, f"{first} {last}", email, phone, birth, street,
                     rng.choice(cities), country, signup))
    return rows


def make_products(rng):
    rows = []
    cats = list(CATEGORIES)
    for pid in range(1, N_PRODUCTS + 1):
        cat = cats[(pid - 1) % len(cats)] if pid <= len(cats) else rng.choice(cats)
        brands, nouns, median, spread = CATEGORIES[cat]
        brand = rng.choice(brands)
        name = f"{brand} {rng.choice(ADJECTIVES)} {rng.choice(nouns)}"
        cents = int(median * rng.lognormvariate(0, spread))
        cents = max(299, (cents // 100) * 100 + 99)     # shop-style x.99 prices
        rows.append((pid, name, cat, brand, cents))
    return rows


def sample_order_time(rng):
    """Rejection-samples an order time with monthly seasonality and business growth."""
    total = (ORDERS_END - ORDERS_START).total_seconds()
    while True:
        ts = random_ts(rng, ORDERS_START, ORDERS_END)
        growth = 0.7 + 0.6 * (ts - ORDERS_START).total_seconds() / total
        weight = MONTH_WEIGHT[ts.month] * growth
        # more orders in the evening
        hour_weight = 0.4 if ts.hour < 7 else (1.3 if 18 <= ts.hour <= 22 else 1.0)
        if rng.random() * 2.4 * 1.3 < weight * hour_weight:
            return ts.replace(microsecond=0)


def make_orders(rng, customers, products):
    signups = sorted((c[8], c[0]) for c in customers)
    signup_times = [s[0] for s in signups]
    import bisect

    # a few popular products get most of the sales
    product_weights = [1.0 / (1 + (i % 97)) ** 0.6 for i in range(len(products))]
    times = sorted(sample_order_time(rng) for _ in range(N_ORDERS))
    orders, items, shipments = [], [], []
    now = ORDERS_END
    for oid, ts in enumerate(times, start=1):
        eligible = bisect.bisect_left(signup_times, ts)
        if eligible == 0:
            ts = signup_times[0] + dt.timedelta(hours=1)
            eligible = 1
        # repeat buyers: bias toward early signups that have been around longer
        cid = signups[int(eligible * rng.random() ** 1.3)][1]
        n_lines = rng.choices([1, 2, 3, 4, 5], [25, 29, 22, 14, 10])[0]
        chosen = set()
        total_cents = 0
        lines = []
        for _ in range(n_lines):
            p = rng.choices(products, product_weights)[0]
            if p[0] in chosen:
                continue
            chosen.add(p[0])
            qty = rng.choices([1, 2, 3, 4], [75, 15, 7, 3])[0]
            price = p[4]
            if ts.month in (11, 12) and rng.random() < 0.3:
                price = int(price * 0.8)                 # holiday discount
            lines.append((oid, len(lines) + 1, p[0], qty, price))
            total_cents += qty * price
        items.extend(lines)

        age_days = (now - ts).total_seconds() / 86400
        if age_days < 2:
            status = rng.choices(["pending", "processing", "cancelled"], [50, 45, 5])[0]
        elif age_days < 8:
            status = rng.choices(["processing", "shipped", "delivered", "cancelled"],
                                 [15, 45, 35, 5])[0]
        else:
            status = rng.choices(["delivered", "returned", "cancelled"], [90, 5, 5])[0]
        payment = rng.choices(PAYMENT_METHODS, PAYMENT_WEIGHTS)[0]
        if status == "pending" and rng.random() < 0.5:
            payment = None
        orders.append((oid, cid, ts, status, total_cents, payment))

        if status in ("shipped", "delivered", "returned"):
            carrier = rng.choice(list(CARRIERS))
            mean_days, sd = CARRIERS[carrier]
            shipped = ts + dt.timedelta(minutes=rng.randrange(90, 72 * 60))
            transit = max(0.5, rng.gauss(mean_days, sd))
            if ts.month == 12:
                transit += rng.random() * 3                # holiday backlog
            delivered = shipped + dt.timedelta(seconds=int(transit * 86400))
            if status == "shipped" or delivered >= now:
                delivered = None
                if status != "shipped":
                    status = "shipped"
                    orders[-1] = (oid, cid, ts, status, total_cents, payment)
            cost = 399 + 150 * n_lines + rng.randrange(0, 500)
            shipments.append((oid, carrier, shipped, delivered, cost))
    return orders, items, shipments


def make_reviews(rng, orders, items, shipments):
    by_order = {}
    for it in items:
        by_order.setdefault(it[0], []).append(it)
    order_by_id = {o[0]: o for o in orders}
    reviews = []
    for oid, _carrier, _shipped, delivered, _cost in shipments:
        if delivered is None or rng.random() > 0.3:
            continue
        order = order_by_id[oid]
        delay_days = (delivered - order[2]).total_seconds() / 86400
        item = rng.choice(by_order[oid])
        score = 4.9 - 0.45 * max(0.0, delay_days - 2.0) + rng.gauss(0, 0.8)
        if order[3] == "returned":
            score -= 2
        stars = max(1, min(5, round(score)))
        text = rng.choice(REVIEW_TEXT[stars]) if rng.random() > 0.15 else None
        created = delivered + dt.timedelta(hours=rng.randrange(2, 24 * 20))
        if created >= ORDERS_END:
            continue
        reviews.append((None, oid, item[2], order[1], stars, text, created))
    reviews.sort(key=lambda r: r[6])
    return [(i + 1,) + r[1:] for i, r in enumerate(reviews)]


def random_ip(rng):
    kind = rng.random()
    if kind < 0.4:
        return f"198.51.100.{rng.randrange(1, 255)}"
    if kind < 0.75:
        return f"203.0.113.{rng.randrange(1, 255)}"
    if kind < 0.92:
        return f"192.0.2.{rng.randrange(1, 255)}"
    return f"2001:db8::{rng.randrange(1, 65535):x}"


def make_events(rng, customers, products, orders, items):
    """Click-stream sessions per day; purchase events mirror the real orders of that day."""
    cust_country = {c[0]: c[7] for c in customers}
    countries = list(COUNTRY_WEIGHTS)
    weights = [COUNTRY_WEIGHTS[c] for c in countries]
    items_by_order = {}
    for it in items:
        items_by_order.setdefault(it[0], []).append(it)
    price_by_pid = {p[0]: p[4] for p in products}
    pids = [p[0] for p in products]
    search_ids = list(range(1, len(customers) + 1))
    days = {}
    first = dt.datetime.combine(EVENTS_FIRST_DAY, dt.time())
    for k in range(EVENT_DAYS):
        days[k] = []

    def session_id():
        return f"{rng.getrandbits(64):016x}"

    # purchase sessions: view -> cart -> purchase for each item of each order
    for o in orders:
        day = (o[2] - first).days
        if not (0 <= day < EVENT_DAYS) or o[3] == "cancelled":
            continue
        sid = session_id()
        device = rng.choice(DEVICES)
        ip = random_ip(rng)
        for it in items_by_order[o[0]]:
            view_ts = o[2] - dt.timedelta(seconds=rng.randrange(120, 1800))
            cart_ts = o[2] - dt.timedelta(seconds=rng.randrange(10, 110))
            for etype, ets in (("view", view_ts), ("cart", cart_ts), ("purchase", o[2])):
                if ets < first:
                    ets = first
                days[(ets - first).days].append(
                    (ets, o[1], sid, etype, it[2], it[4], cust_country[o[1]], device, ip))

    # browsing sessions (more on weekends, ramping toward the holidays)
    for k in range(EVENT_DAYS):
        day_start = first + dt.timedelta(days=k)
        weekend = day_start.weekday() >= 5
        n_sessions = int((950 if weekend else 800) * (1 + k * 0.02))
        for _ in range(n_sessions):
            anonymous = rng.random() < 0.3
            user = None if anonymous else rng.choice(search_ids)
            country = (rng.choices(countries, weights)[0] if anonymous else cust_country[user])
            sid = session_id()
            device = rng.choices(DEVICES, [45, 45, 10])[0]
            ip = random_ip(rng)
            ts = day_start + dt.timedelta(seconds=rng.randrange(86400 - 3600))
            for _ in range(rng.randrange(2, 14)):
                ts += dt.timedelta(seconds=rng.randrange(5, 240))
                r = rng.random()
                if r < 0.15:
                    etype, pid, price = "search", None, None
                else:
                    pid = rng.choice(pids)
                    etype = "cart" if r > 0.93 else "view"
                    price = price_by_pid[pid]
                day = (ts - first).days
                if day >= EVENT_DAYS:
                    break
                days[day].append((ts, user, sid, etype, pid, price, country, device, ip))

    next_id = 1
    out = {}
    for k in range(EVENT_DAYS):
        rows = sorted(days[k], key=lambda r: (r[0], r[2], r[3]))
        out[k] = [(next_id + i,) + r for i, r in enumerate(rows)]
        next_id += len(rows)
    return out


def build_tables(rng):
    customers = make_customers(rng)
    products = make_products(rng)
    orders, items, shipments = make_orders(rng, customers, products)
    reviews = make_reviews(rng, orders, items, shipments)
    events = make_events(rng, customers, products, orders, items)

    def col(rows, i):
        return [r[i] for r in rows]

    ts = pa.timestamp("us")
    tables = {}
    tables["customers"] = pa.table({
        "customer_id": pa.array(col(customers, 0), pa.int32()),
        "name": pa.array(col(customers, 1), pa.string()),
        "email": pa.array(col(customers, 2), pa.string()),
        "phone": pa.array(col(customers, 3), pa.string()),
        "birth_date": pa.array(col(customers, 4), pa.date32()),
        "street_address": pa.array(col(customers, 5), pa.string()),
        "city": pa.array(col(customers, 6), pa.string()),
        "country": pa.array(col(customers, 7), pa.string()),
        "signup_ts": pa.array(col(customers, 8), ts),
    })
    tables["products"] = pa.table({
        "product_id": pa.array(col(products, 0), pa.int32()),
        "name": pa.array(col(products, 1), pa.string()),
        "category": pa.array(col(products, 2), pa.string()),
        "brand": pa.array(col(products, 3), pa.string()),
        "price": pa.array([cents_to_decimal(r[4]) for r in products], pa.decimal128(10, 2)),
    })
    tables["orders"] = pa.table({
        "order_id": pa.array(col(orders, 0), pa.int64()),
        "customer_id": pa.array(col(orders, 1), pa.int32()),
        "order_ts": pa.array(col(orders, 2), ts),
        "status": pa.array(col(orders, 3), pa.string()),
        "total": pa.array([cents_to_decimal(r[4]) for r in orders], pa.decimal128(12, 2)),
        "payment_method": pa.array(col(orders, 5), pa.string()),
    })
    tables["order_items"] = pa.table({
        "order_id": pa.array(col(items, 0), pa.int64()),
        "line_no": pa.array(col(items, 1), pa.int16()),
        "product_id": pa.array(col(items, 2), pa.int32()),
        "quantity": pa.array(col(items, 3), pa.int32()),
        "unit_price": pa.array([cents_to_decimal(r[4]) for r in items], pa.decimal128(10, 2)),
    })
    tables["shipments"] = pa.table({
        "order_id": pa.array(col(shipments, 0), pa.int64()),
        "carrier": pa.array(col(shipments, 1), pa.string()),
        "shipped_at": pa.array(col(shipments, 2), ts),
        "delivered_at": pa.array(col(shipments, 3), ts),
        "cost": pa.array([cents_to_decimal(r[4]) for r in shipments], pa.decimal128(8, 2)),
    })
    tables["reviews"] = pa.table({
        "review_id": pa.array(col(reviews, 0), pa.int64()),
        "order_id": pa.array(col(reviews, 1), pa.int64()),
        "product_id": pa.array(col(reviews, 2), pa.int32()),
        "customer_id": pa.array(col(reviews, 3), pa.int32()),
        "stars": pa.array(col(reviews, 4), pa.int16()),
        "review_text": pa.array(col(reviews, 5), pa.string()),
        "created_at": pa.array(col(reviews, 6), ts),
    })
    event_tables = {}
    for k, rows in events.items():
        day = EVENTS_FIRST_DAY + dt.timedelta(days=k)
        event_tables[day.isoformat()] = pa.table({
            "event_id": pa.array(col(rows, 0), pa.int64()),
            "event_ts": pa.array(col(rows, 1), ts),
            "user_id": pa.array(col(rows, 2), pa.int32()),
            "session_id": pa.array(col(rows, 3), pa.string()),
            "event_type": pa.array(col(rows, 4), pa.string()),
            "product_id": pa.array(col(rows, 5), pa.int32()),
            "price": pa.array([cents_to_decimal(r[6]) for r in rows], pa.decimal128(10, 2)),
            "country": pa.array(col(rows, 7), pa.string()),
            "device": pa.array(col(rows, 8), pa.string()),
            "ip": pa.array(col(rows, 9), pa.string()),
        })
    return tables, event_tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    rng = random.Random(SEED)
    tables, event_tables = build_tables(rng)
    for name, table in tables.items():
        write_table(args.out, name, table)
    events_dir = os.path.join(args.out, "events")
    if os.path.isdir(events_dir):
        shutil.rmtree(events_dir)       # drop partitions a previous layout may have left
    for day, table in event_tables.items():
        write_table(args.out, "events", table, f"dt={day}/part-0.parquet")
    for name, table in tables.items():
        print(f"{name:12s} {table.num_rows:7d} rows")
    print(f"{'events':12s} {sum(t.num_rows for t in event_tables.values()):7d} rows "
          f"in {len(event_tables)} partitions")


if __name__ == "__main__":
    main()
