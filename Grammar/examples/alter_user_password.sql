ALTER USER carol WITH PASSWORD 'battery staple';
