SELECT a || b, s ~ '^x', s ~* 'y', s !~ 'z', s !~* 'w', s ^@ 'pre', 5 & 3, 5 | 3, 5 # 3, ~5,
       1 << 4, 256 >> 2, @ -5, j -> 'k', j ->> 'k', j @> '{}', ts AT TIME ZONE 'UTC', s COLLATE "C"
FROM t;
