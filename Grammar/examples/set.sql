SET search_path TO lake, public;
