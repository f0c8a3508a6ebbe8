SELECT * FROM a RIGHT JOIN (b JOIN c ON b.id = c.b_id) ON a.id = b.a_id;
