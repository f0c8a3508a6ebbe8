// The lake layer: listing, globbing, Hive partitions and table formats over Formats' readers.
