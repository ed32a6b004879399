//! The two databases have one schema: the SQLite and PostgreSQL migrations must produce the same
//! tables (and views) with the same columns (issue 13). Types are each dialect's own and are not compared.
use crate::helpers::{spawn, Backend};
use std::collections::BTreeSet;

async fn columns(backend: Backend) -> BTreeSet<(String, String)> {
    let app = spawn(backend).await;
    let db = app.db().await;
    let sql = match backend {
        Backend::Sqlite => {
            "select m.name, p.name from sqlite_master m join pragma_table_info(m.name) p \
             where m.type in ('table', 'view') and m.name not like 'sqlite_%' and m.name not like '_sqlx%'"
        }
        Backend::Postgres => {
            "select table_name::text, column_name::text from information_schema.columns \
             where table_schema = current_schema() and table_name not like '_sqlx%'"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&db.pool).await.expect("columns");
    rows.into_iter().collect()
}

#[tokio::test]
#[cfg_attr(skip_postgres, ignore = "SW_TEST_SKIP_POSTGRES=1")]
async fn sqlite_and_postgres_migrations_make_the_same_tables_and_columns() {
    let sqlite = columns(Backend::Sqlite).await;
    assert!(sqlite.len() > 100 && sqlite.contains(&("reports".into(), "case_number".into())), "read the schema: {sqlite:?}");
    let postgres = columns(Backend::Postgres).await;
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "(table, column) only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}
