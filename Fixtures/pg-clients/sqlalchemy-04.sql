show transaction isolation level
