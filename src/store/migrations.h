/* Internal to src/store/: the versioned schema, shared by every backend. */
#ifndef ICS_STORE_MIGRATIONS_H
#define ICS_STORE_MIGRATIONS_H

/* Which backends run a statement: portable SQL, or a backend's own dialect
 * (triggers differ between SQLite and PostgreSQL: each backend has its own
 * statements with the same effect). */
enum store_dialect { STORE_ANY = 0, STORE_SQLITE = 1, STORE_POSTGRES = 2 };

struct store_statement {
    enum store_dialect dialect;
    const char *sql;         /* one statement, no trailing semicolon */
};

struct store_migration {
    int version;             /* 1, 2, 3 ... in order */
    const char *description;
    const struct store_statement *statements;   /* ends with sql == NULL */
    /* 1 when the migration only makes queries faster (an index): a read-only
     * open, which cannot migrate, still reads a store that lacks it. */
    int readers_may_skip;
};

/* What the runtime role may do to each table (PostgreSQL GRANTs; the runtime
 * role owns nothing, so this list is all it may do). Ends with table == NULL. */
struct store_grant {
    const char *table;
    const char *privileges;  /* "SELECT, INSERT" ... */
};

extern const struct store_migration icsi_store_migrations[];
extern const struct store_grant icsi_store_grants[];
extern const int icsi_store_migration_count;

#endif
