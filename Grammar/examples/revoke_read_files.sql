REVOKE READ FILES FROM data_engineers;
