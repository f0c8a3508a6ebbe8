SET ROLE staff;
