CREATE TABLE IF NOT EXISTS lake.trips (
    id bigint PRIMARY KEY,
    pickup timestamp with time zone NOT NULL,
    fare numeric(10, 2) DEFAULT 0 CHECK (fare >= 0),
    vendor varchar(32) UNIQUE,
    tags text[],
    CONSTRAINT trips_vendor UNIQUE (vendor)
);
