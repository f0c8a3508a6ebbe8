DROP TABLE IF EXISTS lake.trips, lake.old_trips CASCADE;
