SELECT id,
       row_number() OVER (PARTITION BY dept ORDER BY salary DESC) AS rank_in_dept,
       sum(salary) OVER w AS running,
       avg(salary) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS moving,
       lag(salary) IGNORE NULLS OVER (ORDER BY hired) AS previous
FROM employees
WINDOW w AS (PARTITION BY dept ORDER BY hired)
QUALIFY row_number() OVER (PARTITION BY dept ORDER BY salary DESC) <= 3;
