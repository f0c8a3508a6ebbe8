DROP USER IF EXISTS carol, dave;
