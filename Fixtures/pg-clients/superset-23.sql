set search_path = "public"
