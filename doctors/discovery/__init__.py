"""Member discovery: specialties, doctor search and one doctor (the member API)."""
