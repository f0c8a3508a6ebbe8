GRANT READ FILES TO data_engineers;
