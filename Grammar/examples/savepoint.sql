SAVEPOINT before_load;
