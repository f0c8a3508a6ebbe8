SELECT 42, 1.5, .5, 1e-3, 1_000_000, 'it''s', E'tab\tnewline\n', $$dollar 'quoted'$$, $tag$body$tag$,
       B'1010', X'1F', TRUE, NULL, $1;
