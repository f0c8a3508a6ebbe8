CREATE TEMPORARY TABLE scratch (k int, v double precision);
