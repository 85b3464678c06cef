public import Testing

/// What a test needs or costs, for choosing tests in a test navigator (and with `swift test --filter tag:…` once
/// SwiftPM passes tag filters on: ST-0025). `make test` and CI run them all; a test whose tool or server is
/// missing fails, never skips.
extension Tag {
    /// Opens an estate store (SQLite and, with ``postgres``, a PostgreSQL server).
    @Tag public static var store: Self
    /// Needs the PostgreSQL server `scripts/with-postgres.sh` starts (`OVERBLIK_TEST_POSTGRES_URL`).
    @Tag public static var postgres: Self
    /// Checks ODF output or input with outside tools (Jing, LibreOffice).
    @Tag public static var odf: Self
    /// Takes tens of seconds: seeded scenarios, every order of a set, child processes.
    @Tag public static var slow: Self
}
