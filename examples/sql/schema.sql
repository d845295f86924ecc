-- The tables of examples/sql/app.yaml (table mode) and app-statements.yaml (statement mode).
-- Runs as it is on PostgreSQL, MariaDB and SQLite (on MySQL 8, where GROUPS is a reserved word,
-- write the groups table's name as `groups`). Ids are the directory's object ids, mapped on create,
-- so no database-specific id generator is needed.

CREATE TABLE users (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  user_name VARCHAR(255) NOT NULL UNIQUE,
  given_name VARCHAR(255),
  family_name VARCHAR(255),
  email VARCHAR(255),
  title VARCHAR(255),
  department VARCHAR(255),
  active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE groups (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  display_name VARCHAR(255) NOT NULL UNIQUE
);

CREATE TABLE group_members (
  group_id VARCHAR(64) NOT NULL,
  user_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (group_id, user_id),
  FOREIGN KEY (group_id) REFERENCES groups (id) ON DELETE CASCADE,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
