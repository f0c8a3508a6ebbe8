// PostgreSQL settings that clients read or set on connect (SET
// extra_float_digits, SHOW transaction isolation level,
// current_setting('default_table_access_method') …) with PostgreSQL 15's
// defaults. They are stored and shown like LakeSQL's own settings; none of
// them changes how a query runs. A name that is neither one of these nor a
// LakeSQL setting nor a custom "prefix.name" is refused with 42704, as
// PostgreSQL does.

enum PgSettings {
    static let defaults: [String: String] = [
        "array_nulls": "on", "backslash_quote": "safe_encoding", "block_size": "8192", "bytea_output": "hex",
        "check_function_bodies": "on", "client_min_messages": "notice", "cursor_tuple_fraction": "0.1",
        "data_checksums": "off", "default_table_access_method": "heap", "default_text_search_config": "pg_catalog.english",
        "default_transaction_deferrable": "off", "default_transaction_isolation": "read committed",
        "default_transaction_read_only": "off", "effective_cache_size": "4GB", "enable_seqscan": "on",
        "escape_string_warning": "on", "geqo": "on", "idle_in_transaction_session_timeout": "0", "idle_session_timeout": "0",
        "in_hot_standby": "off", "jit": "on", "lc_collate": "C.UTF-8", "lc_ctype": "C.UTF-8", "lc_messages": "C.UTF-8",
        "lc_monetary": "C.UTF-8", "lc_numeric": "C.UTF-8", "lc_time": "C.UTF-8", "lock_timeout": "0", "log_statement": "none",
        "maintenance_work_mem": "64MB", "max_connections": "100", "max_identifier_length": "63", "max_index_keys": "32",
        "password_encryption": "scram-sha-256", "plan_cache_mode": "auto", "quote_all_identifiers": "off",
        "random_page_cost": "4", "row_security": "on", "server_version_num": "150000", "session_replication_role": "origin",
        "shared_buffers": "128MB", "synchronous_commit": "on", "tcp_keepalives_idle": "0", "temp_buffers": "8MB",
        "timezone_abbreviations": "Default", "transaction_deferrable": "off", "transaction_read_only": "off",
        "work_mem": "4MB", "xmloption": "content", "lo_compat_privileges": "off", "max_stack_depth": "2MB",
        "is_superuser": "on", "session_authorization": "lakesql", "role": "none", "database": "lakesql",
    ]

    /// Whether SET may store `name`: a known setting, or a custom one written `prefix.name`.
    static func isKnown(_ name: String, current: [String: String]) -> Bool {
        current[name] != nil || defaults[name] != nil || name.contains(".")
    }

    static func bootValue(_ name: String) -> String { defaults[name] ?? "" }
}
