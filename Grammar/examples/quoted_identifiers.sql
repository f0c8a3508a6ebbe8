SELECT "Mixed Case", "select" AS "from", U&"\0041BC" FROM "My Schema"."My Table";
