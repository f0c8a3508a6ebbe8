TABLE lake.events;
