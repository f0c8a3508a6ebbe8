SELECT r.oid,r.*, pg_get_ruledef(r.oid) AS definition FROM pg_rewrite r WHERE r.ev_class={{customers}} AND r.rulename <> '_RETURN'::name
