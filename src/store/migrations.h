/* Internal to src/store/: the versioned schema, shared by every backend. */
#ifndef ICS_STORE_MIGRATIONS_H
#define ICS_STORE_MIGRATIONS_H

/* Which backends run a statement: portable SQL, or a backend's own dialect
 * (triggers differ between SQLite and PostgreSQL; a PostgreSQL backend adds its
 * own statements with the same effect). */
enum store_dialect { STORE_ANY = 0, STORE_SQLITE = 1 };

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

extern const struct store_migration icsi_store_migrations[];
extern const int icsi_store_migration_count;

#endif
