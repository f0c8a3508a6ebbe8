SET TIME ZONE 'Europe/Paris';
