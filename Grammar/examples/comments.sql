/* A block comment /* that nests */ */
SELECT 1 -- and a line comment
  + 2;
